// The widget's conversation as a state machine: start or resume, send safely (one client_message_id per message,
// retried with it), follow a 202 up, merge what the socket and the replies bring (each message once), stream text.
// No DOM here: the view subscribes to changes, and the tests drive it with a fake API and clock.

export interface Choice {
  id: string;
  label: string;
}

export interface Awaited {
  type: string;
  choices?: Choice[] | null;
  node_id?: string;
}

export interface BotMessage {
  id: number;
  text: string;
  choices?: Choice[] | null;
}

export interface Reply {
  run_id?: string;
  run_status?: string;
  status: string;
  messages: BotMessage[];
  input: Awaited | null;
}

export interface StartReply extends Reply {
  id: string;
  token: string;
}

export interface TranscriptMessage extends BotMessage {
  direction: "in" | "out";
  client_message_id?: string | null;
}

export interface Transcript {
  id: string;
  status: string;
  input: Awaited | null;
  messages: TranscriptMessage[];
}

export interface Result<T> {
  status: number;
  body: T;
}

export interface Conversation {
  id: string;
  token: string;
}

/** The chat API as the machine uses it; a rejected promise is a network failure (retried), a status is an answer. */
export interface ChatApi {
  start(variables: Record<string, unknown>): Promise<Result<StartReply | ErrorBody>>;
  post(c: Conversation, text: string, clientMessageId: string): Promise<Result<Reply | ErrorBody>>;
  transcript(c: Conversation, after?: number): Promise<Result<Transcript | ErrorBody>>;
  run(c: Conversation, runId: string, waitS: number): Promise<Result<Reply | ErrorBody>>;
}

export interface ErrorBody {
  error: { code: string; message: string; retry_after_s?: number };
}

export interface Store {
  load(): Conversation | null;
  save(c: Conversation | null): void;
}

export interface Clock {
  sleep(ms: number): Promise<void>;
}

export type Phase = "idle" | "starting" | "ready" | "ended" | "failed" | "refused" | "unavailable" | "offline";

export interface Msg {
  key: string;
  from: "bot" | "user" | "system"; // system: what happened (a person joined), said by nobody
  text: string;
  id?: number;
  choices?: Choice[] | null;
  state?: "sending" | "failed" | "sent";
  clientMessageId?: string;
  streaming?: boolean;
  retry?: boolean; // a bot message that asks the same question again (the answer was not valid)
}

export interface ChatState {
  phase: Phase;
  messages: Msg[];
  input: Awaited | null;
  typing: boolean;
  notice: string;
}

export interface Options {
  api: ChatApi;
  store: Store;
  clock?: Clock;
  typingMs?: number; // pause with the typing indicator between two bot messages
  maxAttempts?: number; // sends of one message before it is shown as failed (the user may retry it)
  newId?: () => string;
}

export type ChatEvent =
  | { type: "change" }
  | { type: "message"; message: Msg }
  | { type: "end" }
  | { type: "conversation"; conversation: Conversation | null };

const realClock: Clock = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

function uuid(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return "m-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
}

/** What retrying() answers when no attempt reached the server. */
const UNREACHABLE = Symbol("unreachable");

function isError(body: unknown): body is ErrorBody {
  return !!body && typeof body === "object" && "error" in body;
}

export class Chat {
  state: ChatState = { phase: "idle", messages: [], input: null, typing: false, notice: "" };
  conversation: Conversation | null = null;
  variables: Record<string, unknown> = {};
  private listeners: ((e: ChatEvent) => void)[] = [];
  private seen = new Set<number>();
  private queue: (BotMessage & { retry?: boolean })[] = [];
  private askedNode: string | undefined; // the question the bot waits on
  private answering: string | undefined; // the question the user's last message answered: asked again, it was invalid
  private revealing = false;
  private pending = 0; // sends and follow-ups waiting for the bot
  private generation = 0; // bumps on restart: work of an older conversation stops touching the state
  private keys = 0;
  private readonly api: ChatApi;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly typingMs: number;
  private readonly maxAttempts: number;
  private readonly newId: () => string;

  constructor(options: Options) {
    this.api = options.api;
    this.store = options.store;
    this.clock = options.clock ?? realClock;
    this.typingMs = options.typingMs ?? 450;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.newId = options.newId ?? uuid;
  }

  on(fn: (e: ChatEvent) => void): () => void {
    this.listeners.push(fn);
    return () => (this.listeners = this.listeners.filter((l) => l !== fn));
  }

  private emit(e: ChatEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    this.emit({ type: "change" });
  }

  /** Stop for good with this notice (the website is refused, the flow is not published): pending work ends. */
  halt(phase: Phase, notice: string): void {
    this.generation++;
    this.pending = 0;
    this.queue = [];
    this.set({ phase, notice, typing: false, input: null });
  }

  hasStored(): boolean {
    return this.store.load() !== null;
  }

  /** Open the conversation stored for this flow, if any and still known: true when resumed. */
  async resume(): Promise<boolean> {
    const stored = this.store.load();
    if (!stored) return false;
    const gen = this.generation;
    this.set({ phase: "starting" });
    let res: Result<Transcript | ErrorBody>;
    try {
      res = await this.api.transcript(stored);
    } catch {
      if (gen === this.generation) this.set({ phase: "offline", notice: "The chat cannot be reached right now." });
      this.conversation = stored;
      return true;
    }
    if (gen !== this.generation) return true;
    if (res.status !== 200 || isError(res.body)) {
      this.store.save(null); // forgotten or expired: a new conversation starts when the user wants one
      this.set({ phase: "idle" });
      return false;
    }
    this.useConversation(stored);
    const body = res.body;
    const messages: Msg[] = body.messages.map((m) => {
      if (m.direction === "out") this.seen.add(m.id);
      return m.direction === "out"
        ? { key: this.key(), from: "bot", id: m.id, text: m.text, choices: m.choices }
        : { key: this.key(), from: "user", id: m.id, text: m.text, state: "sent", clientMessageId: m.client_message_id ?? undefined };
    });
    this.askedNode = body.input?.node_id;
    this.set({ messages, input: body.input, ...this.phaseOf(body.status) });
    return true;
  }

  /** A new conversation with the flow (the variables set so far are its starting variables). */
  async start(): Promise<void> {
    const gen = ++this.generation;
    this.seen.clear();
    this.queue = [];
    this.pending = 0;
    this.askedNode = this.answering = undefined;
    this.conversation = null;
    this.store.save(null);
    this.emit({ type: "conversation", conversation: null });
    this.set({ phase: "starting", messages: [], input: null, typing: true, notice: "" });
    const res = await this.retrying(gen, () => this.api.start(this.variables));
    if (res === undefined) return;
    if (res === UNREACHABLE) {
      this.set({ phase: "offline", typing: false, notice: "The chat cannot be reached right now." });
      return;
    }
    const body = res.body;
    if (isError(body)) return void this.refusedBy(res.status, body);
    this.useConversation({ id: body.id, token: body.token });
    if (res.status === 202 && body.run_id) {
      this.pending++;
      void this.followUp(body.run_id, gen);
    } else {
      this.set({ typing: false });
      this.applyReply(body);
    }
  }

  /** Call until an answer worth showing: a failed connection, 429 or 5xx is tried again after a backoff.
   * Undefined when a newer conversation took over meanwhile; UNREACHABLE when no attempt got through. */
  private async retrying<T>(
    gen: number,
    call: () => Promise<Result<T | ErrorBody>>,
  ): Promise<Result<T | ErrorBody> | typeof UNREACHABLE | undefined> {
    for (let attempt = 1; ; attempt++) {
      let res: Result<T | ErrorBody>;
      try {
        res = await call();
      } catch {
        if (gen !== this.generation) return undefined;
        if (attempt >= this.maxAttempts) return UNREACHABLE;
        await this.clock.sleep(this.backoff(attempt));
        if (gen !== this.generation) return undefined;
        continue;
      }
      if (gen !== this.generation) return undefined;
      if (isError(res.body) && (res.status === 429 || res.status >= 500) && attempt < this.maxAttempts) {
        await this.clock.sleep(this.backoff(attempt, res.body.error.retry_after_s));
        if (gen !== this.generation) return undefined;
        continue;
      }
      return res;
    }
  }

  /** Forget this conversation and start a new one. */
  restart(): Promise<void> {
    return this.start();
  }

  /** Send the user's text (starting a conversation first when there is none). */
  async send(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (!this.conversation && this.state.phase !== "starting") await this.start();
    else if (this.state.phase === "starting") await this.until(() => this.state.phase !== "starting");
    // Offline with a conversation (its transcript could not be read): sending may bring it back.
    if (!this.conversation || (this.state.phase !== "ready" && this.state.phase !== "offline")) return;
    this.answering = this.askedNode;
    const msg: Msg = { key: this.key(), from: "user", text: trimmed, state: "sending", clientMessageId: this.newId() };
    this.set({ messages: [...this.state.messages, msg], input: null });
    this.emit({ type: "message", message: msg });
    await this.deliver(msg.key);
  }

  /** Send a failed message again, with the id it was first sent with (the server stores it once). */
  retry(key: string): Promise<void> {
    return this.deliver(key);
  }

  private async deliver(key: string): Promise<void> {
    const gen = this.generation;
    const conversation = this.conversation;
    const msg = this.state.messages.find((m) => m.key === key);
    if (!conversation || !msg || !msg.clientMessageId) return;
    this.patch(key, { state: "sending" });
    this.pending++;
    this.set({ typing: true });
    try {
      const clientMessageId = msg.clientMessageId;
      const res = await this.retrying(gen, () => this.api.post(conversation, msg.text, clientMessageId));
      if (res === undefined) return;
      if (res === UNREACHABLE) return this.failed(key, "Not sent: the chat cannot be reached.");
      const body = res.body;
      if (isError(body)) {
        if (body.error.code === "conversation_closed") {
          this.patch(key, { state: "failed" });
          return this.set({ phase: "ended", input: null, notice: "This conversation has ended." });
        }
        if (res.status === 401) {
          this.store.save(null);
          this.patch(key, { state: "failed" });
          return this.set({ phase: "ended", input: null, notice: "This conversation is no longer available." });
        }
        if (res.status === 403) return void this.refusedBy(res.status, body);
        return this.failed(key, body.error.message);
      }
      this.patch(key, { state: "sent" });
      if (res.status === 202 && body.run_id) {
        this.pending++;
        void this.followUp(body.run_id, gen);
      } else {
        this.applyReply(body);
      }
    } finally {
      if (gen === this.generation) {
        this.pending = Math.max(0, this.pending - 1);
        this.set({ typing: this.pending > 0 || this.revealing });
      }
    }
  }

  /** A turn answered 202: ask for its reply (a long poll) until it comes; the socket may bring it first. */
  private async followUp(runId: string, gen: number): Promise<void> {
    const conversation = this.conversation;
    try {
      for (let attempt = 1; conversation; attempt++) {
        let res: Result<Reply | ErrorBody>;
        try {
          res = await this.api.run(conversation, runId, 10);
        } catch {
          if (gen !== this.generation) return;
          await this.clock.sleep(this.backoff(Math.min(attempt, 5)));
          if (gen !== this.generation) return;
          continue;
        }
        if (gen !== this.generation) return;
        if (res.status === 200 && !isError(res.body)) return this.applyReply(res.body);
        if (isError(res.body) && res.status < 500 && res.status !== 429) return;
        if (res.status !== 202) await this.clock.sleep(this.backoff(Math.min(attempt, 5)));
        if (gen !== this.generation) return;
      }
    } finally {
      if (gen === this.generation) {
        this.pending = Math.max(0, this.pending - 1);
        this.set({ typing: this.pending > 0 || this.revealing });
      }
    }
  }

  /** A bot message from the socket (stream: the live text it replaces). */
  socketMessage(message: BotMessage, streamId?: string): void {
    if (streamId) {
      const live = this.state.messages.find((m) => m.key === "s:" + streamId);
      if (live && live.id === message.id) return; // the reply brought it first and took the live text's place
      if (live && this.seen.has(message.id)) {
        this.set({ messages: this.state.messages.filter((m) => m !== live) });
        return;
      }
      if (live) {
        this.seen.add(message.id);
        this.patch(live.key, { id: message.id, text: message.text, choices: message.choices, streaming: false });
        this.emit({ type: "message", message: this.state.messages.find((m) => m.key === live.key)! });
        return;
      }
    }
    this.enqueue([message]);
  }

  /** Live text of a bot message as it is written. */
  socketDelta(streamId: string, text: string, discarded = false): void {
    const key = "s:" + streamId;
    const live = this.state.messages.find((m) => m.key === key);
    if (discarded) {
      if (live) this.set({ messages: this.state.messages.filter((m) => m !== live) });
      return;
    }
    if (live) this.patch(key, { text: live.text + text });
    else this.set({ messages: [...this.state.messages, { key, from: "bot", text, streaming: true }] });
  }

  socketStatus(status: string, input: Awaited | null): void {
    if (!this.conversation) return;
    this.markRetry(status === "active" ? input : null);
    this.set({ input: status === "active" ? input : null, ...this.phaseOf(status) });
  }

  /** A person joined (claimed the conversation) or left it: a line in the log with the name they chose to show. */
  socketAgent(event: string, name: string): void {
    const who = name || "A person";
    const text = event === "joined" ? `${who} has joined the chat` : `${who} has left the chat`;
    const message: Msg = { key: `agent:${event}:${this.state.messages.length}`, from: "system", text };
    this.set({ messages: [...this.state.messages, message] });
    this.emit({ type: "message", message });
  }

  /** After the socket reconnects: what was said meanwhile. */
  async catchUp(): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) return;
    const last = Math.max(0, ...this.seen);
    try {
      const res = await this.api.transcript(conversation, last);
      if (res.status !== 200 || isError(res.body) || conversation !== this.conversation) return;
      this.enqueue(res.body.messages.filter((m) => m.direction === "out"));
      this.set({ input: res.body.input, ...this.phaseOf(res.body.status) });
    } catch {
      // the next reconnect tries again
    }
  }

  private applyReply(reply: Reply): void {
    this.enqueue(reply.messages);
    this.markRetry(reply.input);
    this.set({ input: reply.input, ...this.phaseOf(reply.status) });
  }

  /** The bot waits on the same question again after one message: that message is its retry text (shown so). */
  private markRetry(input: Awaited | null): void {
    this.askedNode = input?.node_id;
    if (!input?.node_id || input.node_id !== this.answering) return;
    const lastUser = this.state.messages.map((m) => m.from).lastIndexOf("user");
    if (lastUser < 0) return;
    const shown = this.state.messages.slice(lastUser + 1).filter((m) => m.from === "bot");
    if (shown.length + this.queue.length !== 1) return;
    if (this.queue.length) this.queue[0] = { ...this.queue[0], retry: true };
    else this.patch(shown[0].key, { retry: true });
  }

  /** New bot messages (each id once) shown one after another, with the typing indicator between them. */
  private enqueue(messages: BotMessage[]): void {
    for (const m of messages) {
      if (this.seen.has(m.id)) continue;
      this.seen.add(m.id);
      const live = this.state.messages.find((x) => x.streaming && m.text.startsWith(x.text));
      if (live) {
        this.patch(live.key, { id: m.id, text: m.text, choices: m.choices, streaming: false });
        this.emit({ type: "message", message: this.state.messages.find((x) => x.key === live.key)! });
        continue;
      }
      this.queue.push(m);
    }
    void this.reveal();
  }

  private async reveal(): Promise<void> {
    if (this.revealing) return;
    this.revealing = true;
    const gen = this.generation;
    let first = true;
    while (this.queue.length && gen === this.generation) {
      if (!first && this.typingMs > 0) {
        this.set({ typing: true });
        await this.clock.sleep(this.typingMs);
        if (gen !== this.generation) break;
      }
      first = false;
      const m = this.queue.shift()!;
      const msg: Msg = { key: this.key(), from: "bot", id: m.id, text: m.text, choices: m.choices, retry: m.retry };
      this.set({ messages: [...this.state.messages, msg], typing: this.queue.length > 0 || this.pending > 0 });
      this.emit({ type: "message", message: msg });
    }
    this.revealing = false;
    if (gen === this.generation) this.set({ typing: this.pending > 0 });
  }

  private phaseOf(status: string): Partial<ChatState> {
    if (status === "ended") {
      if (this.state.phase !== "ended") queueMicrotask(() => this.emit({ type: "end" }));
      return { phase: "ended", notice: "This conversation has ended." };
    }
    if (status === "failed") return { phase: "failed", notice: "Something went wrong on our side." };
    return { phase: "ready", notice: "" };
  }

  private refusedBy(status: number, body: ErrorBody): void {
    const refused = status === 403;
    this.set({
      phase: refused ? "refused" : status === 404 ? "unavailable" : "offline",
      typing: false,
      notice: refused
        ? "This chat is not available on this website."
        : status === 404
          ? "This chat is not available."
          : body.error.message,
    });
  }

  private failed(key: string, notice: string): void {
    this.patch(key, { state: "failed" });
    this.set({ notice });
  }

  private useConversation(c: Conversation): void {
    this.conversation = c;
    this.store.save(c);
    this.emit({ type: "conversation", conversation: c });
  }

  private patch(key: string, patch: Partial<Msg>): void {
    this.set({ messages: this.state.messages.map((m) => (m.key === key ? { ...m, ...patch } : m)) });
  }

  private key(): string {
    return "m" + ++this.keys;
  }

  private backoff(attempt: number, retryAfterS?: number): number {
    if (retryAfterS) return Math.min(retryAfterS * 1000, 30_000);
    return Math.min(400 * 2 ** (attempt - 1), 8_000);
  }

  private until(test: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (test()) return resolve();
      const off = this.on(() => {
        if (test()) {
          off();
          resolve();
        }
      });
    });
  }
}
