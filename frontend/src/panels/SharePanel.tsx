// Share: put the published bot on a website (a snippet per widget mode), link to its hosted page, say which websites
// may embed it, and style the widget with a live preview (the widget bundle itself, drawing sample messages).
import "./SharePanel.css";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { widgetApi, type WidgetSettings } from "../api/widget";
import { Icon } from "../ui/icons";
import { ChannelsSection } from "./ChannelsSection";
import { SidePanel } from "./SidePanel";

type Mode = "bubble" | "popup" | "inline";

interface Props {
  flowId: number;
  slug: string;
  publishedVersion: number | null;
  onClose: () => void;
  /** Why this user may not change the look or the allowed websites (null: they may); the API refuses it too. */
  changeRefused?: string | null;
}

interface PreviewHandle {
  update: (look: Record<string, unknown>) => void;
  destroy: () => void;
}

interface FlowChatGlobal {
  preview?: (target: Element, look: Record<string, unknown>) => PreviewHandle;
}

// The widget's own default accent (widget/view.ts DEFAULT_LOOK), shown until the owner picks one: a setting's value,
// not the builder's look, and an <input type="color"> takes only a #rrggbb literal (styles/tokens.test.ts allows it).
const WIDGET_DEFAULT_ACCENT = "#4f46e5";

const MODES: { mode: Mode; label: string; help: string }[] = [
  { mode: "bubble", label: "Bubble", help: "A button in the corner opens the chat." },
  { mode: "popup", label: "Popup", help: "Opens in the middle of the page: after some seconds, or when your code calls FlowChat.open()." },
  { mode: "inline", label: "Inline", help: "Fills an element of your page." },
];

export function snippet(origin: string, slug: string, mode: Mode): string {
  const src = `${origin}/widget.js`;
  if (mode === "inline") {
    return `<div id="chat" style="height: 600px"></div>\n<script src="${src}" data-flow="${slug}" data-mode="inline" data-target="#chat" async></script>`;
  }
  if (mode === "popup") {
    return `<script src="${src}" data-flow="${slug}" data-mode="popup" data-open-after="5" async></script>`;
  }
  return `<script src="${src}" data-flow="${slug}" data-mode="bubble" async></script>`;
}

/** The widget bundle, loaded once into the builder's page for the preview. */
function loadWidget(): Promise<FlowChatGlobal> {
  const w = window as unknown as { FlowChat?: FlowChatGlobal };
  if (w.FlowChat?.preview) return Promise.resolve(w.FlowChat);
  if (!document.querySelector("script[data-flowchat-preview]")) {
    const script = document.createElement("script");
    script.src = "/widget.js";
    script.async = true;
    script.dataset.flowchatPreview = "";
    document.head.appendChild(script);
  }
  // The loader adds the hashed bundle itself; the bundle replaces the loader's stand-in FlowChat when it runs.
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (w.FlowChat?.preview) resolve(w.FlowChat);
      else if (Date.now() - started > 20_000) reject(new Error("The widget did not load: is it built (make frontend)?"));
      else setTimeout(check, 50);
    };
    check();
  });
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function CopyField({ label, value, multiline }: { label: string; value: string; multiline?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const onCopy = async () => {
    const ok = await copy(value);
    if (!ok) ref.current?.select(); // no clipboard access: selected, for Ctrl+C
    setCopied(ok ? "yes" : "no");
    setTimeout(() => setCopied(null), 2000);
  };
  return (
    <div className="share-copy">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      {multiline ? (
        <textarea id={id} ref={ref} readOnly value={value} rows={value.split("\n").length + 1} className="fb-input share-code" />
      ) : (
        <input id={id} ref={ref} readOnly value={value} className="fb-input share-code" />
      )}
      <button type="button" className="btn btn-secondary" onClick={() => void onCopy()} aria-label={`Copy ${label}`}>
        <Icon name={copied === "yes" ? "check" : "copy"} size={14} />
        {copied === "yes" ? "Copied" : copied === "no" ? "Press Ctrl+C" : "Copy"}
      </button>
    </div>
  );
}

export function SharePanel({ flowId, slug, publishedVersion, onClose, changeRefused = null }: Props) {
  const origin = window.location.origin;
  const [settings, setSettings] = useState<WidgetSettings | null>(null);
  const [draft, setDraft] = useState<WidgetSettings | null>(null);
  const [origins, setOrigins] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<"idle" | "saving" | "saved">("idle");
  const [mode, setMode] = useState<Mode>("bubble");
  const previewRef = useRef<HTMLDivElement>(null);
  const handle = useRef<PreviewHandle | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    widgetApi
      .get(flowId)
      .then((s) => {
        if (!live) return;
        setSettings(s);
        setDraft(s);
        setOrigins((s.allowed_origins ?? []).join("\n"));
      })
      .catch((exc) => live && setError(errorMessage(exc)));
    return () => {
      live = false;
    };
  }, [flowId]);

  const look = useCallback(
    (s: WidgetSettings) => ({ ...s, title: s.title || slug, mode: "bubble" }),
    [slug],
  );

  // The preview: mounted once the settings are there, updated on every change, removed with the panel.
  useEffect(() => {
    if (!draft || handle.current || !previewRef.current) return;
    let live = true;
    const target = previewRef.current;
    loadWidget()
      .then((flowChat) => {
        if (!live || handle.current) return;
        handle.current = flowChat.preview!(target, look(draft));
      })
      .catch((exc) => live && setPreviewError(errorMessage(exc)));
    return () => {
      live = false;
    };
  }, [draft, look]);
  useEffect(() => {
    if (draft) handle.current?.update(look(draft));
  }, [draft, look]);
  useEffect(
    () => () => {
      handle.current?.destroy();
      handle.current = null;
    },
    [],
  );

  const change = (patch: Partial<WidgetSettings>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setStatus("idle");
  };

  const save = async () => {
    if (!draft) return;
    setStatus("saving");
    setError(null);
    setFieldErrors({});
    try {
      const { avatar_url: _avatar, ...change } = draft;
      void _avatar;
      const saved = await widgetApi.save(flowId, {
        ...change,
        allowed_origins: origins.split(/[\s,]+/).filter(Boolean),
      });
      setSettings(saved);
      setDraft(saved);
      setOrigins((saved.allowed_origins ?? []).join("\n"));
      setStatus("saved");
    } catch (exc) {
      setStatus("idle");
      setError(errorMessage(exc));
      if (exc instanceof ApiError && exc.fields) {
        setFieldErrors(Object.fromEntries(Object.entries(exc.fields).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)])));
      }
    }
  };

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const saved = await widgetApi.uploadAvatar(flowId, file);
      setSettings(saved);
      setDraft((d) => (d ? { ...d, avatar_url: saved.avatar_url } : saved));
    } catch (exc) {
      setError(errorMessage(exc));
    }
  };

  const removeAvatar = async () => {
    try {
      const saved = await widgetApi.removeAvatar(flowId);
      setDraft((d) => (d ? { ...d, avatar_url: saved.avatar_url } : saved));
    } catch (exc) {
      setError(errorMessage(exc));
    }
  };

  const dirty = !!draft && !!settings && (JSON.stringify(draft) !== JSON.stringify(settings) || origins !== (settings.allowed_origins ?? []).join("\n"));
  const text = (name: keyof WidgetSettings, label: string, help?: string) => {
    const note = fieldErrors[name] ?? help;
    return (
      <div className="share-field">
        <label htmlFor={`share-${name}`}>{label}</label>
        <input
          id={`share-${name}`}
          className="fb-input"
          name={name}
          value={String(draft?.[name] ?? "")}
          onChange={(e) => change({ [name]: e.target.value })}
          aria-invalid={fieldErrors[name] ? true : undefined}
          aria-describedby={note ? `share-${name}-note` : undefined}
        />
        {note ? (
          <small id={`share-${name}-note`} className={fieldErrors[name] ? "share-error" : "muted"}>
            {note}
          </small>
        ) : null}
      </div>
    );
  };
  const select = (name: keyof WidgetSettings, label: string, options: [string, string][]) => (
    <div className="share-field">
      <label htmlFor={`share-${name}`}>{label}</label>
      <select id={`share-${name}`} className="fb-input" name={name} value={String(draft?.[name] ?? "")} onChange={(e) => change({ [name]: e.target.value })}>
        {options.map(([value, shown]) => (
          <option key={value} value={value}>
            {shown}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <SidePanel
      title="Share"
      help="Put this bot on a website, or send its link."
      onClose={onClose}
      error={error}
      loading={!draft}
      empty={null}
    >
      {draft ? (
        <div className="share">
          {publishedVersion === null ? (
            <p className="notice" role="note">
              Publish the flow first: the widget and the link serve the published version. The look below can be set
              now.
            </p>
          ) : (
            <p className="muted">Visitors talk to version {publishedVersion}. Appearance changes apply without publishing.</p>
          )}

          <section aria-labelledby="share-embed">
            <h3 id="share-embed">Add to a website</h3>
            <div className="share-modes" role="radiogroup" aria-label="Widget mode">
              {MODES.map((m) => (
                <label key={m.mode} className={mode === m.mode ? "is-on" : ""}>
                  <input type="radio" name="share-mode" value={m.mode} checked={mode === m.mode} onChange={() => setMode(m.mode)} />
                  {m.label}
                </label>
              ))}
            </div>
            <p className="muted">{MODES.find((m) => m.mode === mode)!.help} Paste this before &lt;/body&gt;:</p>
            <CopyField label={`${mode} snippet`} value={snippet(origin, slug, mode)} multiline />
            <p className="muted share-api">
              From your page's code: <code>FlowChat.open()</code>, <code>.close()</code>, <code>.send(text)</code>,{" "}
              <code>.setVariables({"{…}"})</code>, <code>.restart()</code>, <code>FlowChat.on("message", fn)</code>.
            </p>
          </section>

          <section aria-labelledby="share-link">
            <h3 id="share-link">Link to the chat page</h3>
            <CopyField label="chat page link" value={`${origin}/c/${slug}/`} />
            <a className="link" href={`/c/${slug}/`} target="_blank" rel="noreferrer">
              Open the chat page
            </a>
          </section>

          <ChannelsSection flowId={flowId} />

          {changeRefused ? (
            <p className="notice" role="note" data-testid="share-refused">
              {changeRefused}: you can copy the snippets and the link, and see the look, but not change it.
            </p>
          ) : null}
          {/* A disabled fieldset disables every control in it, the avatar's file input too */}
          <fieldset className="share-changes" disabled={!!changeRefused} title={changeRefused ?? undefined}>
          <section aria-labelledby="share-origins">
            <h3 id="share-origins">Allowed websites</h3>
            <div className="share-field">
              <span id="share-origins-help" className="muted">
                One per line, such as https://shop.example.com (add http://localhost:3000 to try it on your own
                machine). Empty: any website may embed the chat.
              </span>
              <textarea
                className="fb-input"
                aria-describedby="share-origins-help"
                name="allowed_origins"
                rows={3}
                value={origins}
                onChange={(e) => {
                  setOrigins(e.target.value);
                  setStatus("idle");
                }}
                aria-invalid={fieldErrors.allowed_origins ? true : undefined}
                aria-label="Allowed websites"
              />
              {fieldErrors.allowed_origins ? <small className="share-error">{fieldErrors.allowed_origins}</small> : null}
            </div>
          </section>

          <section aria-labelledby="share-look">
            <h3 id="share-look">Appearance</h3>
            <div className="share-preview" ref={previewRef} data-testid="widget-preview" aria-label="Preview of the widget" role="img" />
            {previewError ? <p className="notice is-error">{previewError}</p> : null}
            {text("title", "Title", "Blank: the flow's name.")}
            {text("subtitle", "Subtitle")}
            <div className="share-field">
              <span>Accent colour</span>
              <span className="share-colour">
                <input type="color" aria-label="Accent colour picker" value={draft.accent ?? WIDGET_DEFAULT_ACCENT} onChange={(e) => change({ accent: e.target.value })} />
                <input className="fb-input" name="accent" value={draft.accent ?? ""} onChange={(e) => change({ accent: e.target.value })} aria-label="Accent colour" />
              </span>
              {fieldErrors.accent ? <small className="share-error">{fieldErrors.accent}</small> : null}
            </div>
            {select("position", "Launcher position", [
              ["right", "Bottom right"],
              ["left", "Bottom left"],
            ])}
            {select("launcher_icon", "Launcher icon", [
              ["chat", "Speech bubble"],
              ["help", "Question mark"],
              ["sparkle", "Sparkle"],
              ["wave", "Waving hand"],
            ])}
            {text("greeting", "Greeting teaser", "Shown beside the closed launcher. Blank: none.")}
            {text("placeholder", "Message placeholder")}
            {select("theme", "Theme", [
              ["light", "Light"],
              ["dark", "Dark"],
              ["auto", "As the visitor's system"],
            ])}
            <div className="share-field">
              <span>Avatar</span>
              <span className="share-avatar">
                {draft.avatar_url ? <img src={draft.avatar_url} alt="Current avatar" width={36} height={36} /> : null}
                <label className="btn btn-secondary">
                  <Icon name="upload" size={14} />
                  {draft.avatar_url ? "Replace" : "Upload"}
                  <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" className="sr-only" aria-label="Avatar image" onChange={(e) => void upload(e.target.files?.[0])} />
                </label>
                {draft.avatar_url ? (
                  <button type="button" className="link" onClick={() => void removeAvatar()}>
                    Remove
                  </button>
                ) : null}
              </span>
            </div>
          </section>

          <div className="share-save">
            <span className="role-gate" title={changeRefused ?? undefined}>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void save()}
                disabled={status === "saving" || !dirty || !!changeRefused}
                aria-description={changeRefused ?? undefined}
              >
                {status === "saving" ? "Saving…" : "Save"}
              </button>
            </span>
            <span role="status" className="muted">
              {status === "saved" ? "Saved: the widget shows it on the next page load." : dirty ? "Unsaved changes" : ""}
            </span>
          </div>
          </fieldset>
        </div>
      ) : null}
    </SidePanel>
  );
}
