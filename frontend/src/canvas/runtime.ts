// Per-node and per-edge view state that is not part of the graph (run status, problems), kept outside React
// state: a node component subscribes to its own key, so lighting one node re-renders that node only.
import { useCallback, useSyncExternalStore } from "react";
import type { Problem } from "../api/types";

export class KeyedStore<V> {
  private values = new Map<string, V>();
  private listeners = new Map<string, Set<() => void>>();
  private allListeners = new Set<() => void>();
  private version = 0;
  /** Called with each changed key before listeners are told (ViewStore composes views with it). */
  onChange: ((key: string) => void) | null = null;

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  entries(): IterableIterator<[string, V]> {
    return this.values.entries();
  }

  get size(): number {
    return this.values.size;
  }

  /** Bumped on every change, for whole-store subscribers (the minimap, lists). */
  get revision(): number {
    return this.version;
  }

  set(key: string, value: V | undefined): void {
    if (value === undefined) {
      if (!this.values.has(key)) return;
      this.values.delete(key);
    } else {
      if (this.values.get(key) === value) return;
      this.values.set(key, value);
    }
    this.notify([key]);
  }

  /** Replace everything; only keys whose value changed are told. */
  replace(next: Map<string, V>, same: (a: V, b: V) => boolean = (a, b) => a === b): void {
    const changed: string[] = [];
    for (const key of this.values.keys()) if (!next.has(key)) changed.push(key);
    for (const [key, value] of next) {
      const old = this.values.get(key);
      if (old === undefined || !same(old, value)) changed.push(key);
    }
    if (!changed.length) return;
    this.values = new Map(next);
    this.notify(changed);
  }

  clear(): void {
    if (!this.values.size) return;
    const keys = [...this.values.keys()];
    this.values.clear();
    this.notify(keys);
  }

  subscribe(key: string, listener: () => void): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(key);
    };
  }

  subscribeAll(listener: () => void): () => void {
    this.allListeners.add(listener);
    return () => this.allListeners.delete(listener);
  }

  private notify(keys: string[]): void {
    this.version++;
    if (this.onChange) for (const key of keys) this.onChange(key);
    for (const key of keys) for (const listener of this.listeners.get(key) ?? []) listener();
    for (const listener of this.allListeners) listener();
  }
}

export function useKeyed<V>(store: KeyedStore<V>, key: string): V | undefined {
  const subscribe = useCallback((listener: () => void) => store.subscribe(key, listener), [store, key]);
  const get = useCallback(() => store.get(key), [store, key]);
  return useSyncExternalStore(subscribe, get, get);
}

export function useRevision<V>(store: KeyedStore<V>): number {
  const subscribe = useCallback((listener: () => void) => store.subscribeAll(listener), [store]);
  const get = useCallback(() => store.revision, [store]);
  return useSyncExternalStore(subscribe, get, get);
}

export interface NodeRunState {
  status: "running" | "succeeded" | "failed";
  durationMs: number | null;
}

export interface EdgeRunState {
  taken: boolean;
}

export interface ElementView<R> {
  run?: R;
  problems?: Problem[];
}

/** Run state and problems of each node (or edge) behind one subscription per element. */
export class ViewStore<R> {
  readonly runs = new KeyedStore<R>();
  readonly problems = new KeyedStore<Problem[]>();
  private readonly views = new KeyedStore<ElementView<R>>();

  constructor() {
    // every change to either part makes a new view object for that key (and tells only its subscribers)
    const refresh = (key: string) => {
      const run = this.runs.get(key);
      const problems = this.problems.get(key);
      this.views.set(key, run === undefined && problems === undefined ? undefined : { run, problems });
    };
    this.runs.onChange = refresh;
    this.problems.onChange = refresh;
  }

  get(key: string): ElementView<R> | undefined {
    return this.views.get(key);
  }

  subscribe(key: string, listener: () => void): () => void {
    return this.views.subscribe(key, listener);
  }
}

const noView = undefined;

export function useView<R>(store: ViewStore<R>, key: string): ElementView<R> | undefined {
  const subscribe = useCallback((listener: () => void) => store.subscribe(key, listener), [store, key]);
  const get = useCallback(() => store.get(key) ?? noView, [store, key]);
  return useSyncExternalStore(subscribe, get, get);
}
