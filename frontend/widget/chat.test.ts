// The widget's state machine against a scripted chat API: sending, retrying with the same id, following a 202 up,
// resuming, restarting, and merging what the socket and the replies bring.
import { describe, expect, it } from "vitest";
import { Chat, type ChatApi, type Conversation, type Result, type Store } from "./chat";

type Answer = Result<unknown> | "network";
type Call = { kind: string; args: unknown[] };

/** A chat API that answers from a script per call kind (the last answer repeats), and records each call. */
function scripted(script: Record<string, Answer[]>) {
  const calls: Call[] = [];
  const next = async (kind: string, args: unknown[]) => {
    calls.push({ kind, args });
    const answers = script[kind] ?? [];
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer === undefined) throw new Error(`no scripted answer for ${kind}`);
    if (answer === "network") throw new TypeError("Failed to fetch");
    return answer as Result<never>;
  };
  const api: ChatApi = {
    start: (variables) => next("start", [variables]),
    post: (c, text, id) => next("post", [c.id, text, id]),
    transcript: (c, after) => next("transcript", [c.id, after]),
    run: (c, runId, wait) => next("run", [c.id, runId, wait]),
  };
  return { api, calls };
}

function memoryStore(initial: Conversation | null = null): Store & { value: Conversation | null } {
  return {
    value: initial,
    load() {
      return this.value;
    },
    save(c) {
      this.value = c;
    },
  };
}

const noWait = { sleep: async () => undefined };
const started = (messages: { id: number; text: string }[], input: unknown = { type: "text", node_id: "q1" }) => ({
  status: 201,
  body: { id: "c1", token: "t1", status: "active", run_id: "r0", messages: messages.map((m) => ({ ...m, choices: null })), input },
});
const reply = (messages: { id: number; text: string }[], input: unknown = { type: "text", node_id: "q2" }, status = "active") => ({
  status: 200,
  body: { run_id: "r1", status, messages: messages.map((m) => ({ ...m, choices: null })), input },
});

function make(script: Record<string, Answer[]>, store = memoryStore()) {
  const { api, calls } = scripted(script);
  let n = 0;
  const chat = new Chat({ api, store, clock: noWait, typingMs: 0, maxAttempts: 4, newId: () => `cm-${++n}` });
  return { chat, calls, store };
}

const texts = (chat: Chat) => chat.state.messages.map((m) => `${m.from}:${m.text}`);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the widget's chat", () => {
  it("starts with the starting variables, remembers the conversation, and sends", async () => {
    const { chat, calls, store } = make({ start: [started([{ id: 1, text: "Hi" }])], post: [reply([{ id: 2, text: "Got it" }])] });
    chat.variables = { name: "Ada" };
    await chat.start();
    expect(calls[0]).toEqual({ kind: "start", args: [{ name: "Ada" }] });
    expect(store.value).toEqual({ id: "c1", token: "t1" });
    await chat.send("hello");
    await settle();
    expect(texts(chat)).toEqual(["bot:Hi", "user:hello", "bot:Got it"]);
    expect(chat.state.messages[1].state).toBe("sent");
    expect(calls[1]).toEqual({ kind: "post", args: ["c1", "hello", "cm-1"] });
    expect(chat.state.input).toEqual({ type: "text", node_id: "q2" });
  });

  it("retries a failed send with the same client_message_id, then shows it failed and sends it again on demand", async () => {
    const { chat, calls } = make({
      start: [started([{ id: 1, text: "Hi" }])],
      post: ["network", { status: 503, body: { error: { code: "unavailable", message: "down" } } }, "network", "network", reply([{ id: 2, text: "Back" }])],
    });
    await chat.start();
    await chat.send("are you there?");
    const posts = calls.filter((c) => c.kind === "post");
    expect(posts).toHaveLength(4); // maxAttempts
    expect(new Set(posts.map((p) => p.args[2]))).toEqual(new Set(["cm-1"]));
    expect(chat.state.messages[1]).toMatchObject({ text: "are you there?", state: "failed" });
    await chat.retry(chat.state.messages[1].key);
    await settle();
    expect(calls.filter((c) => c.kind === "post").map((p) => p.args[2])).toEqual(["cm-1", "cm-1", "cm-1", "cm-1", "cm-1"]);
    expect(texts(chat)).toEqual(["bot:Hi", "user:are you there?", "bot:Back"]);
    expect(chat.state.messages[1].state).toBe("sent");
  });

  it("follows a 202 up by polling the run until the reply is there", async () => {
    const pending = { status: 202, body: { run_id: "r9", run_status: "queued", status: "pending", messages: [], input: null } };
    const { chat, calls } = make({
      start: [started([{ id: 1, text: "Hi" }])],
      post: [pending],
      run: [pending, pending, reply([{ id: 2, text: "Slow answer" }])],
    });
    await chat.start();
    await chat.send("slow please");
    for (let i = 0; i < 10 && texts(chat).length < 3; i++) await settle();
    expect(texts(chat)).toEqual(["bot:Hi", "user:slow please", "bot:Slow answer"]);
    expect(calls.filter((c) => c.kind === "run").map((c) => c.args)).toEqual([
      ["c1", "r9", 10],
      ["c1", "r9", 10],
      ["c1", "r9", 10],
    ]);
    expect(chat.state.typing).toBe(false);
  });

  it("shows a message once when the socket and the reply both bring it, and a stream is replaced by its message", async () => {
    const { chat } = make({ start: [started([{ id: 1, text: "Ask me" }])], post: [reply([{ id: 2, text: "Paris is the capital." }])] });
    await chat.start();
    const sending = chat.send("Capital of France?");
    chat.socketDelta("s1", "Paris ");
    chat.socketDelta("s1", "is the");
    expect(chat.state.messages.at(-1)).toMatchObject({ text: "Paris is the", streaming: true });
    await sending;
    chat.socketMessage({ id: 2, text: "Paris is the capital.", choices: null }, "s1");
    chat.socketMessage({ id: 2, text: "Paris is the capital.", choices: null });
    await settle();
    expect(texts(chat)).toEqual(["bot:Ask me", "user:Capital of France?", "bot:Paris is the capital."]);
    expect(chat.state.messages.at(-1)!.streaming).toBe(false);
  });

  it("marks the bot's retry text when it asks the same question again", async () => {
    const email = { type: "email", node_id: "email" };
    const { chat } = make({
      start: [started([{ id: 1, text: "Your email?" }], email)],
      post: [reply([{ id: 2, text: "That is not an email." }], email)],
    });
    await chat.start();
    await chat.send("nope");
    await settle();
    expect(chat.state.messages.at(-1)).toMatchObject({ text: "That is not an email.", retry: true });
    expect(chat.state.messages[0].retry).toBeFalsy();
  });

  it("resumes a stored conversation from its transcript, and starts afresh when it is gone", async () => {
    const transcript = {
      status: 200,
      body: {
        id: "c7",
        status: "active",
        input: { type: "text", node_id: "q" },
        messages: [
          { id: 1, direction: "out", text: "Hi", choices: null },
          { id: 2, direction: "in", text: "Hello", choices: null, client_message_id: "x" },
          { id: 3, direction: "out", text: "Name?", choices: null },
        ],
      },
    };
    const { chat } = make({ transcript: [transcript] }, memoryStore({ id: "c7", token: "t7" }));
    expect(await chat.resume()).toBe(true);
    expect(texts(chat)).toEqual(["bot:Hi", "user:Hello", "bot:Name?"]);
    expect(chat.conversation).toEqual({ id: "c7", token: "t7" });
    // The socket repeating a message already in the transcript adds nothing.
    chat.socketMessage({ id: 3, text: "Name?", choices: null });
    await settle();
    expect(texts(chat)).toHaveLength(3);

    const gone = make(
      { transcript: [{ status: 401, body: { error: { code: "invalid_token", message: "Unknown" } } }] },
      memoryStore({ id: "old", token: "t" }),
    );
    expect(await gone.chat.resume()).toBe(false);
    expect(gone.store.value).toBeNull();
    expect(gone.chat.state.phase).toBe("idle");
  });

  it("says when the conversation ended, and restart begins a new one", async () => {
    const { chat, calls, store } = make({
      start: [started([{ id: 1, text: "Hi" }]), { ...started([{ id: 5, text: "Hi again" }]), body: { ...started([{ id: 5, text: "Hi again" }]).body, id: "c2", token: "t2" } }],
      post: [reply([{ id: 2, text: "Bye" }], null, "ended")],
    });
    const events: string[] = [];
    chat.on((e) => e.type === "end" && events.push("end"));
    await chat.start();
    await chat.send("bye");
    await settle();
    expect(chat.state.phase).toBe("ended");
    expect(chat.state.notice).toBe("This conversation has ended.");
    expect(events).toEqual(["end"]);
    await chat.restart();
    await settle();
    expect(texts(chat)).toEqual(["bot:Hi again"]);
    expect(store.value).toEqual({ id: "c2", token: "t2" });
    expect(calls.filter((c) => c.kind === "start")).toHaveLength(2);
  });

  it("starts again after a 429 or 503 and a lost connection, waiting as the server asks, and says when it cannot", async () => {
    const busy = { status: 429, body: { error: { code: "throttled", message: "slow down", retry_after_s: 7 } } };
    const down = { status: 503, body: { error: { code: "unavailable", message: "down", retry_after_s: 2 } } };
    const waits: number[] = [];
    const { api, calls } = scripted({ start: [busy, "network", down, started([{ id: 1, text: "Hi" }])] });
    const clock = { sleep: async (ms: number) => void waits.push(ms) };
    const chat = new Chat({ api, store: memoryStore(), clock, typingMs: 0, maxAttempts: 4, newId: () => "cm" });
    await chat.start();
    expect(calls.filter((c) => c.kind === "start")).toHaveLength(4);
    expect(waits[0]).toBeGreaterThanOrEqual(7000); // Retry-After is honoured
    expect(waits[2]).toBeGreaterThanOrEqual(2000);
    expect(texts(chat)).toEqual(["bot:Hi"]);
    expect(chat.state.phase).toBe("ready");

    const gone = make({ start: ["network"] });
    await gone.chat.start();
    expect(gone.calls).toHaveLength(4); // maxAttempts, then it says so
    expect(gone.chat.state).toMatchObject({ phase: "offline", notice: "The chat cannot be reached right now." });
  });

  it("tells a refused website so, and stores nothing", async () => {
    const { chat, store } = make({ start: [{ status: 403, body: { error: { code: "origin_not_allowed", message: "no" } } }] });
    await chat.start();
    expect(chat.state.phase).toBe("refused");
    expect(chat.state.notice).toBe("This chat is not available on this website.");
    expect(store.value).toBeNull();
  });

  it("shows the typing indicator between two bot messages", async () => {
    const { api } = scripted({ start: [started([{ id: 1, text: "Hello" }, { id: 2, text: "Your name?" }])] });
    let release: () => void = () => undefined;
    const clock = { sleep: () => new Promise<void>((resolve) => (release = resolve)) };
    const chat = new Chat({ api, store: memoryStore(), clock, typingMs: 500 });
    await chat.start();
    expect(texts(chat)).toEqual(["bot:Hello"]);
    expect(chat.state.typing).toBe(true); // the second message is on its way
    release();
    await settle();
    expect(texts(chat)).toEqual(["bot:Hello", "bot:Your name?"]);
    expect(chat.state.typing).toBe(false);
  });
});
describe("a person in the conversation", () => {
  it("shows who joined and who left, as lines of nobody's", () => {
    const chat = new Chat({ api: scripted({}).api, store: memoryStore() });
    const seen: string[] = [];
    chat.on((e) => e.type === "message" && seen.push(`${e.message.from}: ${e.message.text}`));
    chat.socketAgent("joined", "Ana");
    chat.socketAgent("left", "");
    expect(chat.state.messages.map((m) => [m.from, m.text])).toEqual([
      ["system", "Ana has joined the chat"],
      ["system", "A person has left the chat"],
    ]);
    expect(seen).toEqual(["system: Ana has joined the chat", "system: A person has left the chat"]);
  });
});
