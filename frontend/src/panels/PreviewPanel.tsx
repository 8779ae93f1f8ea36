// Preview: a test conversation with the current draft, through the public chat API like a real widget. A reply a
// step streams (the trace socket's step.delta frames, handed down by the editor) grows in a bubble of its own until
// the turn's stored messages arrive and take its place.
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { api, chat } from "../api/endpoints";
import type { ChatInput, PreviewReply, Problem, Reply } from "../api/types";
import { pendingStreams, type TraceStream } from "../canvas/trace";
import { countdown, formatDate, newId } from "../ui/format";
import { Icon } from "../ui/icons";

interface Bubble {
  id: string;
  from: "bot" | "user";
  text: string;
  /** It takes the place of the live bubble that showed its text: no entrance animation. */
  wasLive?: boolean;
}

interface Props {
  start: () => Promise<PreviewReply>;
  onClose: () => void;
  onSelectProblem: (problem: Problem) => void;
  socketOk: boolean;
  /** Texts being streamed on the flow's trace socket (any conversation: the panel keeps its own). */
  streams: TraceStream[];
}

const NONE: ReadonlySet<string> = new Set();

const PLACEHOLDER: Record<string, string> = {
  email: "Type an email address…",
  number: "Type a number…",
  phone: "Type a phone number…",
  date: "Type a date…",
  choice: "Pick an answer or type it…",
};

/** What the widget's chat socket sends: a stored bot message, or what the bot now waits for. */
type ChatFrame =
  | { type: "message"; message: { id: number; text: string } }
  | { type: "status"; status: string; input: ChatInput | null };

/** New bot messages only: one a reply and the chat socket both bring is shown once. */
function added(bubbles: Bubble[], more: Bubble[]): Bubble[] {
  const seen = new Set(bubbles.map((b) => b.id));
  const fresh = more.filter((b) => !seen.has(b.id));
  return fresh.length ? [...bubbles, ...fresh] : bubbles;
}

/** A wait's (or a question's reminder's) countdown, with Skip wait: fire it now rather than waiting (preview only). */
function WaitBar({ conversationId, input }: { conversationId: string; input: ChatInput }) {
  const [now, setNow] = useState(() => Date.now());
  const [skipping, setSkipping] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  const wakeAt = input.wake_at ?? "";
  async function skip() {
    setSkipping(true);
    setProblem(null);
    try {
      await api.skipWait(conversationId);
    } catch (exc) {
      setProblem(errorMessage(exc));
    } finally {
      setSkipping(false);
    }
  }
  const node = input.node_id ? ` at ${input.node_id}` : "";
  const what = input.type === "wait" ? `Waiting${node} until` : `No answer yet${node}: reminder or timeout at`;
  return (
    <div className="wait-bar" role="status" data-testid="wait-bar">
      <Icon name="hourglass" size={14} />
      <span>
        {what} <time dateTime={wakeAt}>{formatDate(wakeAt)}</time>
        {" · "}
        <strong data-testid="wait-countdown">{countdown(wakeAt, now)}</strong>
      </span>
      <button type="button" className="btn btn-small" onClick={() => void skip()} disabled={skipping}>
        Skip wait
      </button>
      {problem ? <span className="muted">{problem}</span> : null}
    </div>
  );
}

/** The reply of a turn that took long (202): ask for it until the worker has answered. */
async function settle(reply: Reply, conversationId: string, token: string): Promise<Reply> {
  for (let attempt = 0; reply.run_status === "queued" && attempt < 12; attempt++) {
    reply = await chat.reply(conversationId, token, reply.run_id);
  }
  return reply;
}

export function PreviewPanel({ start, onClose, onSelectProblem, socketOk, streams }: Props) {
  const [conversation, setConversation] = useState<{ id: string; token: string } | null>(null);
  const [bubbles, setBubbles] = useState<Bubble[]>([]);
  const [input, setInput] = useState<ChatInput | null>(null);
  const [status, setStatus] = useState<string>("starting");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [text, setText] = useState("");
  const end = useRef<HTMLDivElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const generation = useRef(0);
  // Runs whose reply has been shown: their streamed text is in the stored messages now.
  const [answered, setAnswered] = useState<ReadonlySet<string>>(NONE);
  // Live text shows only while a turn is awaited: a late piece after the reply, or after a failed send, never lingers.
  const live = useMemo(
    () => (conversation && busy ? pendingStreams(streams, conversation.id, answered) : []),
    [streams, conversation, busy, answered],
  );
  const liveNow = useRef(live);
  liveNow.current = live;

  const absorb = useCallback((reply: Reply) => {
    const done = reply.run_status !== "queued";
    const shown = new Set(liveNow.current.filter((s) => s.runId === reply.run_id).map((s) => s.text));
    setBubbles((b) =>
      added(
        b,
        reply.messages.map((m) => ({ id: `b${m.id}`, from: "bot" as const, text: m.text, wasLive: done && shown.has(m.text) })),
      ),
    );
    if (done) setAnswered((a) => new Set(a).add(reply.run_id));
    setInput(reply.input);
    setStatus(reply.run_status === "queued" ? "waiting" : reply.status);
  }, []);

  const begin = useCallback(async () => {
    const mine = ++generation.current;
    setConversation(null);
    setBubbles([]);
    setAnswered(NONE);
    setInput(null);
    setError(null);
    setProblems([]);
    setStatus("starting");
    setBusy(true);
    try {
      const started = await start();
      if (mine !== generation.current) return;
      setConversation({ id: started.id, token: started.token });
      const reply = await settle(started, started.id, started.token);
      if (mine !== generation.current) return;
      absorb(reply);
    } catch (exc) {
      if (mine !== generation.current) return;
      setStatus("failed");
      if (exc instanceof ApiError && exc.problems.length) {
        setProblems(exc.problems.filter((p) => p.severity === "error"));
        setError("The draft has problems to fix before it can run:");
      } else {
        setError(errorMessage(exc));
      }
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }, [start, absorb]);

  useEffect(() => {
    void begin();
    return () => {
      generation.current++;
    };
  }, [begin]);

  const busyNow = useRef(busy);
  busyNow.current = busy;
  const socketHeld = useRef<Bubble[]>([]);
  useEffect(() => {
    if (busy || !socketHeld.current.length) return;
    const held = socketHeld.current;
    socketHeld.current = [];
    setBubbles((b) => added(b, held));
  }, [busy]);
  // The widget's chat socket: messages the bot sends on its own (a wait ending, a timer firing) arrive here.
  useEffect(() => {
    if (!conversation) return;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/chat/conversations/${conversation.id}/?token=${encodeURIComponent(conversation.token)}`;
    const socket = new WebSocket(url);
    socket.onmessage = (event) => {
      let frame: ChatFrame;
      try {
        frame = JSON.parse(event.data as string) as ChatFrame;
      } catch {
        return;
      }
      if (frame.type === "message") {
        const m = frame.message;
        const bubble: Bubble = { id: `b${m.id}`, from: "bot", text: m.text };
        // During the user's own turn its reply brings its messages, in place of the live text: a socket copy shown
        // first would sit beside the live bubble. Kept, and added (once) when the turn is over.
        if (busyNow.current) socketHeld.current.push(bubble);
        else setBubbles((b) => added(b, [bubble]));
      } else if (frame.type === "status" && !busyNow.current) {
        setInput(frame.input);
        setStatus(frame.status);
      }
    };
    return () => socket.close();
  }, [conversation]);

  useEffect(() => {
    // (scroll methods return a promise in newer browsers: an effect must return nothing)
    void end.current?.scrollIntoView({ block: "nearest" });
  }, [bubbles.length, busy, live]);
  useEffect(() => {
    if (!busy && status === "active") field.current?.focus({ preventScroll: true });
  }, [busy, status]);

  async function send(message: string) {
    if (!conversation || !message.trim() || busy) return;
    const mine = generation.current;
    setBubbles((b) => [...b, { id: newId(), from: "user", text: message }]);
    setText("");
    setBusy(true);
    setError(null);
    try {
      const first = await chat.send(conversation.id, conversation.token, message, newId());
      const reply = await settle(first, conversation.id, conversation.token);
      if (mine === generation.current) absorb(reply);
    } catch (exc) {
      if (mine === generation.current) setError(errorMessage(exc));
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void send(text);
  }

  const ended = status === "ended" || status === "failed";
  const choices = input?.type === "choice" && Array.isArray(input.choices) ? (input.choices as { id: string; label: string }[]) : [];
  return (
    <aside className="preview" aria-label="Preview chat">
      <header className="side-head">
        <div>
          <h2>Preview</h2>
          <p className="muted">
            Chat with the current draft. {socketOk ? "Steps light up on the canvas as they run." : "Live steps are not available right now."}
          </p>
        </div>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close panel" title="Close panel">
          <Icon name="x" />
        </button>
      </header>
      <div className="chat-log" aria-live="polite">
        {bubbles.map((b) => (
          <div
            key={b.id}
            className={`bubble from-${b.from}${b.wasLive ? " was-live" : ""}`}
            data-testid={b.from === "bot" ? "chat-bot" : "chat-user"}
          >
            {b.text}
          </div>
        ))}
        {/* In the log's polite live region; busy, so a screen reader waits for the stored message rather than
            reading every piece as it comes. */}
        {live.map((s) => (
          <div key={`live-${s.streamId}`} className="bubble from-bot is-live" data-testid="chat-bot-live" aria-busy="true">
            {s.text}
          </div>
        ))}
        {busy && !live.length ? (
          <div className="bubble from-bot typing" aria-label="The bot is answering">
            <span />
            <span />
            <span />
          </div>
        ) : null}
        {error ? (
          <div className="notice is-error" role="alert">
            <p>{error}</p>
            {problems.length ? (
              <ul className="problem-links">
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.node_id ? (
                      <button type="button" className="link" onClick={() => onSelectProblem(p)}>
                        {p.node_id}: {p.message}
                      </button>
                    ) : (
                      p.message
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {ended && !error ? <p className="chat-end">The conversation has ended.</p> : null}
        {conversation && input?.wake_at && !ended && !busy ? <WaitBar conversationId={conversation.id} input={input} /> : null}
        {choices.length && !busy ? (
          <div className="chat-choices" role="group" aria-label="Answers">
            {choices.map((c) => (
              <button key={c.id} type="button" className="chip" onClick={() => void send(c.label)}>
                {c.label}
              </button>
            ))}
          </div>
        ) : null}
        <div ref={end} />
      </div>
      <form className="chat-form" onSubmit={onSubmit}>
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <input
          id="chat-input"
          ref={field}
          className="fb-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={ended ? "The conversation has ended" : PLACEHOLDER[input?.type ?? ""] ?? "Type a message…"}
          disabled={!conversation || ended}
          autoComplete="off"
        />
        <button type="submit" className="btn btn-primary" disabled={!conversation || ended || busy || !text.trim()}>
          <Icon name="send" size={15} /> Send
        </button>
      </form>
      <div className="chat-foot">
        <button type="button" className="btn btn-small btn-ghost" onClick={() => void begin()} disabled={busy && status === "starting"}>
          <Icon name="history" size={14} /> New chat
        </button>
      </div>
    </aside>
  );
}
