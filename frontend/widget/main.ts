// The widget bundle: one Widget per <script data-flow> tag, and window.FlowChat for the page's own code.
// /widget.js (a small loader, flows/widget_views.py) records its tags and queues calls until this has loaded.
import { Widget, type EventName, type Mode } from "./view";
import type { WidgetConfig } from "./transport";

type Listener = (detail: Record<string, unknown>) => void;
type Call = [string | null, string, unknown[]];

interface Queue {
  s: HTMLScriptElement[];
  c: Call[];
  boot?: () => void;
  done?: Set<HTMLScriptElement>;
}

const MODES: Mode[] = ["bubble", "popup", "inline"];
const widgets: Widget[] = [];
const listeners = new Map<string, Set<{ flow: string | null; fn: Listener }>>();

function emit(name: EventName, detail: Record<string, unknown>): void {
  for (const { flow, fn } of listeners.get(name) ?? []) {
    if (flow !== null && flow !== detail.flow) continue;
    try {
      fn(detail);
    } catch (exc) {
      console.error(exc); // the page's listener failed: the widget carries on
    }
  }
}

function targets(flow: string | null): Widget[] {
  if (flow === null) return widgets.slice(0, 1);
  return widgets.filter((w) => w.flow === flow).slice(0, 1);
}

function handle(flow: string | null) {
  const each = (fn: (w: Widget) => unknown) => {
    const found = targets(flow);
    return Promise.all(found.map((w) => w.whenReady().then(() => fn(w)))).then(() => undefined);
  };
  const api = {
    open: () => (void each((w) => w.open()), api),
    close: () => (void each((w) => w.close()), api),
    toggle: () => (void each((w) => w.toggle()), api),
    send: (text: string) => (void each((w) => w.send(text)), api),
    // Applied at once (not after loading), so variables set before the first message start the conversation.
    setVariables: (vars: Record<string, unknown>) => {
      for (const w of targets(flow)) w.setVariables(vars ?? {});
      if (!targets(flow).length) pendingVariables.push([flow, vars ?? {}]);
      return api;
    },
    restart: () => (void each((w) => w.restart()), api),
    on: (name: string, fn: Listener) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add({ flow, fn });
      return api;
    },
    off: (name: string, fn: Listener) => {
      for (const entry of listeners.get(name) ?? []) if (entry.fn === fn) listeners.get(name)!.delete(entry);
      return api;
    },
  };
  return api;
}

const pendingVariables: [string | null, Record<string, unknown>][] = [];

function mount(script: HTMLScriptElement): void {
  if (script.hasAttribute("data-flowchat-preview")) return; // the builder's Share panel: previews only
  const flow = script.dataset.flow?.trim();
  if (!flow) {
    console.warn("FlowChat: the <script> tag has no data-flow (the flow's slug).");
    return;
  }
  const mode = (MODES as string[]).includes(script.dataset.mode ?? "") ? (script.dataset.mode as Mode) : "bubble";
  let target: Element | null = null;
  if (mode === "inline") {
    const selector = script.dataset.target;
    target = selector ? document.querySelector(selector) : null;
    if (!target) {
      // Without a target, the chat goes where the tag is.
      target = document.createElement("div");
      script.after(target);
    }
  }
  const openAfter = script.dataset.openAfter;
  const widget = new Widget({
    base: new URL(script.src, location.href).origin,
    flow,
    mode,
    target,
    openAfterS: openAfter !== undefined && openAfter !== "" && !isNaN(Number(openAfter)) ? Number(openAfter) : undefined,
    onEvent: emit,
  });
  for (const [, vars] of pendingVariables.filter(([f]) => f === null || f === flow)) widget.setVariables(vars);
  widgets.push(widget);
}

function mountAll(q: Queue): void {
  q.done ??= new Set();
  for (const script of q.s) {
    if (q.done.has(script)) continue;
    q.done.add(script);
    mount(script);
  }
}

/** The Share panel's live preview: the widget as it will look, with sample messages. */
function preview(target: Element, look: Partial<WidgetConfig> & { mode?: Mode }) {
  const widget = new Widget({
    base: location.origin,
    flow: "preview",
    mode: look.mode === "inline" ? "inline" : "bubble",
    target,
    onEvent: () => undefined,
    demo: true,
  });
  widget.preview(look as WidgetConfig);
  return { update: (next: Partial<WidgetConfig>) => widget.preview(next as WidgetConfig), destroy: () => widget.destroy() };
}

function start(): void {
  const w = window as unknown as { __flowchat?: Queue; FlowChat?: unknown };
  const q: Queue = w.__flowchat ?? { s: [], c: [] };
  w.__flowchat = q;
  if (!q.s.length) {
    // Loaded without the loader (say, the bundle's own URL in a tag): use the tags that name a flow.
    q.s.push(...Array.from(document.querySelectorAll<HTMLScriptElement>("script[data-flow]")));
  }
  const api = { ...handle(null), get: (flow: string) => handle(flow), preview, widgets: () => widgets.slice() };
  // Variables queued before loading apply first, then the widgets mount, then the other queued calls run.
  const calls = q.c.splice(0);
  for (const [flow, name, args] of calls) {
    if (name === "setVariables") pendingVariables.push([flow, (args[0] as Record<string, unknown>) ?? {}]);
    if (name === "on") handle(flow).on(String(args[0]), args[1] as Listener);
  }
  w.FlowChat = api;
  q.boot = () => mountAll(q);
  mountAll(q);
  for (const [flow, name, args] of calls) {
    if (name === "setVariables" || name === "on") continue;
    const h = handle(flow) as unknown as Record<string, (...a: unknown[]) => unknown>;
    h[name]?.(...args);
  }
}

if (document.body) start();
else document.addEventListener("DOMContentLoaded", start);
