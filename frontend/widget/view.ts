// One widget on the page: its Shadow DOM, launcher, window and messages, drawn from the Chat's state.
import { Chat, type Msg } from "./chat";
import { CSS } from "./styles";
import { connectSocket, httpApi, localStore, type WidgetConfig } from "./transport";

export type Mode = "bubble" | "popup" | "inline";
export type EventName = "ready" | "open" | "close" | "message" | "end";

export interface WidgetOptions {
  base: string; // the chat server's origin (where widget.js came from)
  flow: string;
  mode: Mode;
  target?: Element | null; // inline: the element to fill
  openAfterS?: number; // popup: open by itself after this many seconds
  onEvent: (name: EventName, detail: Record<string, unknown>) => void;
  demo?: boolean; // the builder's preview: sample messages, no conversation
}

const ICONS: Record<string, string> = {
  chat: '<path d="M4 5h16v11H8l-4 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>',
  help: '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7M12 17h.01" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  sparkle: '<path d="M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>',
  wave: '<path d="M7 12V6a1.5 1.5 0 0 1 3 0v5m0-1V4.5a1.5 1.5 0 0 1 3 0V11m0-5a1.5 1.5 0 0 1 3 0v6m0-3a1.5 1.5 0 0 1 3 0v4a7 7 0 0 1-13 3.5L4 14a1.5 1.5 0 0 1 2.5-1.6L7 13" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>',
  close: '<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  restart: '<path d="M4 12a8 8 0 1 0 2.4-5.7M4 4v4h4" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>',
  send: '<path d="M4 12l16-8-6 16-2-7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>',
};

const INPUT_TYPES: Record<string, string> = { email: "email", number: "number", phone: "tel", date: "date" };
const INPUT_MODES: Record<string, string> = { number: "decimal", phone: "tel", email: "email" };

function svg(name: string): string {
  return `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name] ?? ICONS.chat}</svg>`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, html = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (html) node.innerHTML = html;
  return node;
}

/** Relative luminance contrast between a colour and white/black: the text colour that reads on it. */
export function textOn(hex: string): string {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const l = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  return (1.05 / (l + 0.05) >= 4.5 ? "#fff" : "#0f172a");
}

const DEFAULT_LOOK: WidgetConfig = {
  flow: "",
  title: "Chat",
  subtitle: "",
  accent: "#4f46e5",
  position: "right",
  launcher_icon: "chat",
  greeting: "",
  placeholder: "Type your message…",
  theme: "light",
  avatar_url: null,
};

const DEMO_CHOICES = [
  { id: "a", label: "Book a demo" },
  { id: "b", label: "Pricing" },
];
const DEMO: Msg[] = [
  { key: "d1", from: "bot", text: "Hi! I'm here to help." },
  { key: "d2", from: "user", text: "Hello!", state: "sent" },
  { key: "d3", from: "bot", text: "What would you like to do?", choices: DEMO_CHOICES },
];

let counter = 0;

export class Widget {
  readonly flow: string;
  readonly mode: Mode;
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
  readonly chat: Chat;
  look: WidgetConfig = DEFAULT_LOOK;
  isOpen = false;
  unread = 0;
  private readonly opts: WidgetOptions;
  private readonly api: ReturnType<typeof httpApi>;
  private frame!: HTMLDivElement;
  private win!: HTMLElement;
  private log!: HTMLDivElement;
  private typing!: HTMLDivElement;
  private choices!: HTMLDivElement;
  private notice!: HTMLDivElement;
  private form!: HTMLFormElement;
  private field!: HTMLInputElement;
  private sendBtn!: HTMLButtonElement;
  private launcher?: HTMLButtonElement;
  private badge?: HTMLSpanElement;
  private teaser?: HTMLDivElement;
  private backdrop?: HTMLDivElement;
  private nodes = new Map<string, HTMLElement>();
  private stopSocket: (() => void) | null = null;
  private socketFor = "";
  private returnFocus: Element | null = null;
  private started = false;
  private ready: Promise<void> = Promise.resolve();
  private readonly id = ++counter;

  constructor(opts: WidgetOptions) {
    this.opts = opts;
    this.flow = opts.flow;
    this.mode = opts.mode;
    this.api = httpApi(opts.base, opts.flow);
    this.chat = new Chat({ api: this.api, store: localStore(`flowchat:${opts.base}:${opts.flow}`) });
    this.host = document.createElement("flow-chat");
    this.host.setAttribute("data-flow", opts.flow);
    // Inline !important beats any rule of the page, so a hostile stylesheet cannot hide or shift the widget's box.
    const box =
      this.mode === "inline" || opts.demo
        ? "display:block!important;width:100%!important;height:100%!important;position:relative!important;"
        : "display:block!important;position:static!important;width:0!important;height:0!important;";
    this.host.setAttribute("style", `all:initial!important;${box}visibility:visible!important;opacity:1!important`);
    this.root = this.host.attachShadow({ mode: "open" });
    this.build();
    const parent = this.mode === "inline" || opts.demo ? opts.target : document.body;
    (parent ?? document.body).appendChild(this.host);
    if (opts.demo) {
      this.frame.dataset.demo = "";
      this.chat.state = { ...this.chat.state, phase: "ready", messages: DEMO, input: { type: "choice", choices: DEMO_CHOICES } };
      this.ready = Promise.resolve();
      this.started = true;
      this.isOpen = true;
      this.render();
      return;
    }
    this.chat.on((e) => {
      if (e.type === "change") this.render();
      else if (e.type === "message") this.onMessage(e.message);
      else if (e.type === "end") this.opts.onEvent("end", { flow: this.flow });
      else if (e.type === "conversation") this.watch();
    });
    // Shown once its look is known, so a visitor never sees the default colours and title flash first.
    this.frame.style.visibility = "hidden";
    this.ready = this.boot().finally(() => this.frame.style.removeProperty("visibility"));
  }

  private async boot(): Promise<void> {
    // Inline with nothing to resume: the conversation starts while the look is fetched (one round trip less).
    const early = this.mode === "inline" && !this.chat.hasStored();
    if (early) this.ensureStarted();
    const [config] = await Promise.all([
      this.api.config().catch(() => null),
      early ? null : this.chat.resume().then((resumed) => (this.started = resumed)),
    ]);
    if (config && config.status === 200 && !("error" in config.body)) {
      this.apply(config.body);
    } else if (config && "error" in config.body) {
      const refused = config.status === 403;
      this.chat.halt(refused ? "refused" : "unavailable", `This chat is not available${refused ? " on this website" : ""}.`);
      console.warn(`FlowChat (${this.flow}): ${config.body.error.message}`);
    }
    this.render();
    this.opts.onEvent("ready", { flow: this.flow });
    if (this.mode === "inline") this.ensureStarted();
    if (this.mode === "popup" && this.opts.openAfterS !== undefined) {
      setTimeout(() => this.open(), Math.max(0, this.opts.openAfterS * 1000));
    }
  }

  private ensureStarted(): void {
    const phase = this.chat.state.phase;
    if (this.started || phase === "refused" || phase === "unavailable") return;
    this.started = true;
    void this.chat.start();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Take the widget off the page (the builder's preview, when its panel closes). */
  destroy(): void {
    this.stopSocket?.();
    this.host.remove();
  }

  open(): void {
    if (this.mode === "inline" || this.isOpen) return;
    this.returnFocus = document.activeElement;
    this.isOpen = true;
    this.unread = 0;
    this.hideTeaser();
    this.render();
    this.ensureStarted();
    this.focusInside();
    this.opts.onEvent("open", { flow: this.flow });
  }

  close(): void {
    if (this.mode === "inline" || !this.isOpen) return;
    this.isOpen = false;
    this.render();
    const back = this.launcher ?? (this.returnFocus instanceof HTMLElement ? this.returnFocus : null);
    back?.focus();
    this.opts.onEvent("close", { flow: this.flow });
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  send(text: string): Promise<void> {
    if (this.opts.demo) return Promise.resolve();
    this.started = true;
    return this.chat.send(String(text));
  }

  setVariables(vars: Record<string, unknown>): void {
    this.chat.variables = { ...this.chat.variables, ...vars };
  }

  restart(): Promise<void> {
    if (this.opts.demo) return Promise.resolve();
    this.started = true;
    return this.chat.restart();
  }

  /** The Share panel's preview: how the look shows, with sample messages and no conversation. */
  preview(look: Partial<WidgetConfig>): void {
    this.apply({ ...this.look, ...look });
  }

  private apply(config: WidgetConfig): void {
    this.look = { ...DEFAULT_LOOK, ...config };
    const accent = /^#[0-9a-f]{6}$/i.test(this.look.accent) ? this.look.accent : DEFAULT_LOOK.accent;
    this.frame.style.setProperty("--accent", accent);
    this.frame.style.setProperty("--on-accent", textOn(accent));
    this.frame.dataset.theme = this.look.theme;
    this.frame.dataset.pos = this.look.position;
    this.root.querySelector(".title")!.textContent = this.look.title;
    const subtitle = this.root.querySelector(".subtitle") as HTMLElement;
    subtitle.textContent = this.look.subtitle;
    subtitle.hidden = !this.look.subtitle;
    const avatar = this.root.querySelector("header img") as HTMLImageElement;
    avatar.hidden = !this.look.avatar_url;
    if (this.look.avatar_url) avatar.src = new URL(this.look.avatar_url, this.opts.base).href;
    this.win.setAttribute("aria-label", this.look.title);
    this.field.placeholder = this.look.placeholder;
    this.field.setAttribute("aria-label", this.look.placeholder || "Your message");
    if (this.launcher) {
      this.launcher.setAttribute("aria-label", `Open chat: ${this.look.title}`);
      this.launcher.querySelector("svg")!.outerHTML = svg(this.look.launcher_icon);
    }
    if (this.teaser) {
      this.teaser.querySelector(".teaser-text")!.textContent = this.look.greeting;
      this.teaser.hidden = !this.look.greeting || this.isOpen || (!this.opts.demo && sessionStorageGet(this.teaserKey()) === "1");
    }
  }

  private build(): void {
    const style = el("style");
    style.textContent = CSS;
    this.frame = el("div", { class: "fc", "data-mode": this.mode, "data-theme": "light", "data-pos": "right" });
    const winId = `fc-win-${this.id}`;
    if (this.mode === "bubble") {
      this.teaser = el("div", { class: "teaser", hidden: "" });
      const text = el("button", { type: "button", class: "teaser-text" });
      text.addEventListener("click", () => this.open());
      const x = el("button", { type: "button", class: "teaser-x", "aria-label": "Dismiss the greeting" }, "×");
      x.addEventListener("click", () => {
        sessionStorageSet(this.teaserKey(), "1");
        this.hideTeaser();
      });
      this.teaser.append(text, x);
      this.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": winId, "aria-label": "Open chat" }, svg("chat"));
      this.badge = el("span", { class: "badge", hidden: "" });
      this.launcher.append(this.badge);
      this.launcher.addEventListener("click", () => this.toggle());
      this.frame.append(this.teaser, this.launcher);
    }
    if (this.mode === "popup") {
      this.backdrop = el("div", { class: "backdrop", hidden: "" });
      this.backdrop.addEventListener("click", () => this.close());
      this.frame.append(this.backdrop);
    }
    this.win = el("section", { class: "win", id: winId, role: this.mode === "inline" ? "region" : "dialog", "aria-label": "Chat" });
    if (this.mode === "popup") this.win.setAttribute("aria-modal", "true");
    if (this.mode !== "inline") this.win.hidden = true;
    const header = el("header");
    const avatar = el("img", { alt: "", hidden: "" });
    const heading = el("div", { class: "heading" });
    heading.append(el("h2", { class: "title" }), el("p", { class: "subtitle" }));
    const restart = el("button", { type: "button", class: "hbtn restart", "aria-label": "Restart the conversation", title: "Restart" }, svg("restart"));
    restart.addEventListener("click", () => void this.restart().then(() => this.field.focus()));
    header.append(avatar, heading, restart);
    if (this.mode !== "inline") {
      const close = el("button", { type: "button", class: "hbtn close", "aria-label": "Close the chat", title: "Close" }, svg("close"));
      close.addEventListener("click", () => this.close());
      header.append(close);
    }
    this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages", tabindex: "0" });
    this.typing = el("div", { class: "typing", hidden: "" }, '<i></i><i></i><i></i><span class="sr">The bot is typing</span>');
    this.choices = el("div", { class: "choices", role: "group", "aria-label": "Answers", hidden: "" });
    this.notice = el("div", { class: "notice", role: "status", hidden: "" });
    this.form = el("form", { novalidate: "" });
    this.field = el("input", { type: "text", autocomplete: "off", name: "message", "aria-label": "Your message" });
    this.sendBtn = el("button", { type: "submit", class: "send", "aria-label": "Send" }, svg("send"));
    this.form.append(this.field, this.sendBtn);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.field.value;
      if (!text.trim()) return;
      this.field.value = ""; // the bot checks the answer, and says so in its retry text when it is not valid
      void this.send(text);
    });
    this.win.append(header, this.log, this.choices, this.notice, this.form);
    this.win.addEventListener("keydown", (e) => this.onKey(e));
    document.addEventListener("keydown", (e) => {
      // Escape with focus nowhere in particular (say, after a click on the page's background) closes it too.
      if (e.key === "Escape" && this.isOpen && (document.activeElement === document.body || !document.activeElement)) this.close();
    });
    this.frame.append(this.win);
    this.root.append(style, this.frame);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Escape" && this.mode !== "inline") {
      e.stopPropagation();
      this.close();
    } else if (e.key === "Tab" && this.mode === "popup") {
      // A modal keeps focus inside until it closes.
      const focusable = Array.from(this.win.querySelectorAll<HTMLElement>("button:not([disabled]),input:not([disabled]),[tabindex='0']")).filter((n) => !n.closest("[hidden]"));
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      const active = this.root.activeElement;
      if (e.shiftKey && active === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  }

  private focusInside(): void {
    requestAnimationFrame(() => {
      if (!this.field.disabled) this.field.focus();
      else (this.win.querySelector(".notice button, .close") as HTMLElement | null)?.focus();
    });
  }

  private hideTeaser(): void {
    if (this.teaser) this.teaser.hidden = true;
  }

  private teaserKey(): string {
    return `flowchat-teaser:${this.flow}`;
  }

  private onMessage(m: Msg): void {
    if (m.from === "bot" && !this.isOpen && this.mode !== "inline") this.unread++;
    this.opts.onEvent("message", { flow: this.flow, from: m.from, text: m.text, id: m.id ?? null });
    this.render();
  }

  private watch(): void {
    const c = this.chat.conversation;
    const key = c ? c.id : "";
    if (key === this.socketFor) return;
    this.stopSocket?.();
    this.stopSocket = null;
    this.socketFor = key;
    if (!c) return;
    this.stopSocket = connectSocket(this.opts.base, c, {
      message: (m, s) => this.chat.socketMessage(m, s),
      delta: (s, t, d) => this.chat.socketDelta(s, t, d),
      status: (st, input) => this.chat.socketStatus(st, input),
      agent: (event, name) => this.chat.socketAgent(event, name),
      reconnected: () => void this.chat.catchUp(),
    });
  }

  private render(): void {
    const s = this.chat.state;
    if (this.mode !== "inline") {
      this.win.hidden = !this.isOpen;
      if (this.backdrop) this.backdrop.hidden = !this.isOpen;
      if (this.launcher) {
        this.launcher.setAttribute("aria-expanded", String(this.isOpen));
        this.launcher.setAttribute("aria-label", `${this.isOpen ? "Close" : "Open"} chat: ${this.look.title}`);
      }
      if (this.teaser && this.opts.demo) this.teaser.hidden = this.isOpen || !this.look.greeting;
      if (this.badge) {
        this.badge.hidden = this.unread === 0 || this.isOpen;
        this.badge.textContent = String(this.unread);
        this.badge.setAttribute("aria-label", `${this.unread} unread`);
      }
    }
    // Messages: added or updated in place, so the live region announces each new one once.
    const keep = new Set<string>();
    let streaming = false;
    for (const m of s.messages) {
      keep.add(m.key);
      let node = this.nodes.get(m.key);
      if (!node) {
        node = el("div");
        this.nodes.set(m.key, node);
        this.log.insertBefore(node, this.typing.parentNode === this.log ? this.typing : null);
      }
      const cls = `msg ${m.from}${m.retry ? " retry" : ""}${m.state === "sending" ? " sending" : ""}${m.state === "failed" ? " failed" : ""}`;
      if (node.className !== cls) node.className = cls;
      if (node.textContent !== m.text) node.textContent = m.text;
      node.dataset.from = m.from;
      if (m.streaming) streaming = true;
      const failedRow = this.nodes.get(m.key + ":failed");
      if (m.state === "failed" && !failedRow) {
        const row = el("div", { class: "failed-row" }, "<span>Not sent.</span>");
        const again = el("button", { type: "button" }, "Send again");
        again.addEventListener("click", () => void this.chat.retry(m.key));
        row.append(again);
        node.after(row);
        this.nodes.set(m.key + ":failed", row);
      } else if (m.state !== "failed" && failedRow) {
        failedRow.remove();
        this.nodes.delete(m.key + ":failed");
      }
      if (m.state === "failed") keep.add(m.key + ":failed");
    }
    for (const [key, node] of this.nodes) {
      if (!keep.has(key)) {
        node.remove();
        this.nodes.delete(key);
      }
    }
    this.log.setAttribute("aria-busy", String(streaming));
    this.log.append(this.typing);
    this.typing.hidden = !(s.typing && !streaming);
    // Choices of the question the bot waits on, while the user has not answered it yet.
    const last = s.messages[s.messages.length - 1];
    const offered = s.phase === "ready" && s.input?.choices && last?.from === "bot" ? s.input.choices : [];
    const labels = offered.map((c) => c.label).join("\u0000");
    if (this.choices.dataset.labels !== labels) {
      this.choices.dataset.labels = labels;
      this.choices.replaceChildren(
        ...offered.map((c) => {
          const b = el("button", { type: "button", class: "choice" });
          b.textContent = c.label;
          b.addEventListener("click", () => void this.send(c.label));
          return b;
        }),
      );
    }
    this.choices.hidden = offered.length === 0;
    // The field follows the awaited type (email, number, phone, date), with the browser's pickers.
    const type = INPUT_TYPES[s.input?.type ?? ""] ?? "text";
    if (this.field.type !== type) {
      this.field.type = type;
      const mode = INPUT_MODES[s.input?.type ?? ""];
      if (mode) this.field.inputMode = mode;
      else this.field.removeAttribute("inputmode");
    }
    const closed = s.phase === "ended" || s.phase === "failed" || s.phase === "refused" || s.phase === "unavailable";
    const hadFocus = this.root.activeElement === this.field;
    this.field.disabled = closed;
    this.sendBtn.disabled = closed;
    this.form.hidden = closed; // the notice says why, with the way to start again
    // What happened to the conversation, with the way on.
    this.notice.hidden = !s.notice;
    if (this.notice.dataset.text !== s.notice + s.phase) {
      this.notice.dataset.text = s.notice + s.phase;
      this.notice.replaceChildren(el("span"));
      this.notice.firstChild!.textContent = s.notice;
      if (s.phase === "ended" || s.phase === "failed" || s.phase === "offline") {
        const again = el("button", { type: "button", class: "start-again" }, s.phase === "offline" ? "Try again" : "Start again");
        const retryResume = s.phase === "offline" && this.chat.hasStored();
        again.addEventListener("click", () => void (retryResume ? this.chat.resume() : this.restart()).then(() => this.field.focus()));
        this.notice.append(again);
      }
    }
    if (hadFocus && closed) (this.notice.querySelector("button") ?? this.log).focus(); // focus stays in the window
    if (this.isOpen || this.mode === "inline") this.log.scrollTop = this.log.scrollHeight;
  }
}

function sessionStorageGet(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function sessionStorageSet(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // storage blocked: the teaser shows again on the next page
  }
}
