// The Share panel's SMS and WhatsApp section: connect a Twilio number to the flow, copy its webhook URL, test it.
import { useEffect, useId, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { channelsApi, type Channel } from "../api/channels";
import { api } from "../api/endpoints";
import type { Credential } from "../api/types";

const KINDS: [string, string][] = [
  ["twilio_sms", "SMS"],
  ["twilio_whatsapp", "WhatsApp"],
];

function ChannelRow({ flowId, channel, onRemoved }: { flowId: number; channel: Channel; onRemoved: () => void }) {
  const id = useId();
  const [to, setTo] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const test = async () => {
    setBusy(true);
    setResult(null);
    try {
      const sent = await channelsApi.test(flowId, channel.id, to.trim());
      setResult(sent.error ? `Not sent${sent.error_code ? ` (Twilio error ${sent.error_code})` : ""}: ${sent.error}` : `Sent: Twilio says ${sent.status}.`);
    } catch (exc) {
      setResult(errorMessage(exc));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    try {
      await channelsApi.remove(flowId, channel.id);
      onRemoved();
    } catch (exc) {
      setResult(errorMessage(exc));
    }
  };
  const label = KINDS.find(([k]) => k === channel.kind)?.[1] ?? channel.kind;
  return (
    <li className="share-channel" data-testid="channel">
      <p>
        <strong>{label}</strong> {channel.sender} <span className="muted">({channel.credential_name})</span>{" "}
        <button type="button" className="link" onClick={() => void remove()} aria-label={`Remove ${label} ${channel.sender}`}>
          Remove
        </button>
      </p>
      <label htmlFor={`${id}-url`} className="muted">
        Webhook URL: paste it into the number's "A message comes in" webhook (HTTP POST) at Twilio.
      </label>
      <input id={`${id}-url`} readOnly className="fb-input share-code" value={channel.webhook_url} onFocus={(e) => e.target.select()} />
      <div className="share-field">
        <label htmlFor={`${id}-to`}>Send a test message to</label>
        <span className="share-colour">
          <input id={`${id}-to`} className="fb-input" placeholder="+15557654321" value={to} onChange={(e) => setTo(e.target.value)} />
          <button type="button" className="btn btn-secondary" disabled={busy || !to.trim()} onClick={() => void test()}>
            {busy ? "Sending…" : "Send a test message"}
          </button>
        </span>
        {result ? (
          <small role="status" className={result.startsWith("Sent") ? "muted" : "share-error"}>
            {result}
          </small>
        ) : null}
      </div>
    </li>
  );
}

export function ChannelsSection({ flowId }: { flowId: number }) {
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [credentials, setCredentials] = useState<Credential[]>([]);
  const [kind, setKind] = useState("twilio_sms");
  const [credential, setCredential] = useState("");
  const [sender, setSender] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const load = () =>
    channelsApi
      .list(flowId)
      .then(setChannels)
      .catch((exc) => setError(errorMessage(exc)));
  useEffect(() => {
    void load();
    api
      .credentials("twilio")
      .then((found) => {
        setCredentials(found);
        if (found.length) setCredential(String(found[0].id));
      })
      .catch(() => setCredentials([]));
  }, [flowId]);

  const add = async () => {
    setError(null);
    setFieldErrors({});
    try {
      await channelsApi.add(flowId, { kind: kind as Channel["kind"], credential: Number(credential), sender: sender.trim() });
      setSender("");
      await load();
    } catch (exc) {
      setError(errorMessage(exc));
      if (exc instanceof ApiError && exc.fields) {
        setFieldErrors(Object.fromEntries(Object.entries(exc.fields).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)])));
      }
    }
  };

  return (
    <section aria-labelledby="share-channels">
      <h3 id="share-channels">SMS and WhatsApp</h3>
      <p className="muted">People text a Twilio number and talk to the published flow; replies go back by text.</p>
      {channels && channels.length ? (
        <ul className="share-channels">
          {channels.map((c) => (
            <ChannelRow key={c.id} flowId={flowId} channel={c} onRemoved={() => void load()} />
          ))}
        </ul>
      ) : null}
      {credentials.length ? (
        <div className="share-field">
          <label htmlFor="channel-kind">Kind</label>
          <select id="channel-kind" className="fb-input" value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map(([value, shown]) => (
              <option key={value} value={value}>
                {shown}
              </option>
            ))}
          </select>
          <label htmlFor="channel-credential">Twilio credential</label>
          <select id="channel-credential" className="fb-input" value={credential} onChange={(e) => setCredential(e.target.value)}>
            {credentials.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <label htmlFor="channel-sender">Sender</label>
          <input
            id="channel-sender"
            className="fb-input"
            placeholder="+15551234567 or MG…"
            value={sender}
            onChange={(e) => setSender(e.target.value)}
            aria-invalid={fieldErrors.sender ? true : undefined}
          />
          {fieldErrors.sender ? <small className="share-error">{fieldErrors.sender}</small> : null}
          <button type="button" className="btn btn-secondary" disabled={!sender.trim()} onClick={() => void add()}>
            Add channel
          </button>
        </div>
      ) : (
        <p className="muted">
          Add a Twilio credential in <a href="/admin/integrations/credential/add/?kind=twilio">admin</a> first.
        </p>
      )}
      {error ? <p className="notice is-error">{error}</p> : null}
    </section>
  );
}
