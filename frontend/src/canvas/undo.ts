// The editor's own undo stack: snapshots of the graph taken before each change.

export interface RecordOptions {
  /** Changes with the same key within `windowMs` of each other are one step (typing in a field, a delete). */
  key?: string;
  windowMs?: number;
}

export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private lastKey: string | undefined;
  private lastAt = -Infinity;
  private readonly limit: number;
  private readonly now: () => number;

  constructor(limit = 100, now: () => number = () => Date.now()) {
    this.limit = limit;
    this.now = now;
  }

  /** Call with the state as it is before a change. Returns false when the change joined the previous step. */
  record(before: T, options: RecordOptions = {}): boolean {
    const at = this.now();
    const { key, windowMs = 1000 } = options;
    const joins = key !== undefined && key === this.lastKey && at - this.lastAt <= windowMs;
    this.lastKey = key;
    this.lastAt = at;
    this.future = [];
    if (joins) return false;
    this.past.push(before);
    if (this.past.length > this.limit) this.past.shift();
    return true;
  }

  /** The state to go back to (current goes onto the redo stack), or undefined when there is none. */
  undo(current: T): T | undefined {
    const previous = this.past.pop();
    if (previous === undefined) return undefined;
    this.future.push(current);
    this.lastKey = undefined;
    return previous;
  }

  redo(current: T): T | undefined {
    const next = this.future.pop();
    if (next === undefined) return undefined;
    this.past.push(current);
    this.lastKey = undefined;
    return next;
  }

  /** The next change starts a step of its own, whatever its key. */
  seal(): void {
    this.lastKey = undefined;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.lastKey = undefined;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }
}
