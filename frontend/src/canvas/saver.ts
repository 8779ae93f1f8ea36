// The draft saves itself: a while after the last change, one request at a time, again if it changed meanwhile,
// and again a little later if saving failed. A save refused because the draft was saved elsewhere (a conflict)
// is not tried again: saving waits until the user reloads or deliberately overwrites.
import { errorMessage } from "../api/client";

export type SaveState = "saved" | "saving" | "dirty" | "error" | "conflict";

export interface SaverOptions<D> {
  save: (doc: D) => Promise<void>;
  current: () => D;
  onState: (state: SaveState, error?: string) => void;
  /** Whether a failed save was refused as a conflict (then no retry). */
  isConflict?: (exc: unknown) => boolean;
  delayMs?: number;
  retryMs?: number;
}

export class AutoSaver<D> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<unknown> | null = null;
  private lastSaved = "";
  private changes = 0;
  private state: SaveState = "saved";
  private stopped = false;
  private conflicted = false;
  private readonly options: Required<SaverOptions<D>>;

  constructor(options: SaverOptions<D>) {
    this.options = { delayMs: 600, retryMs: 5000, isConflict: () => false, ...options };
  }

  /** What the server has now (after loading, or after something else replaced the draft). */
  baseline(doc: D): void {
    this.conflicted = false;
    this.lastSaved = JSON.stringify(doc);
    this.setState("saved");
  }

  /** The user chose to save this tab's draft over the other one: save again (the caller has the new revision). */
  overwrite(): Promise<boolean> {
    this.conflicted = false;
    this.lastSaved = "";
    return this.flush();
  }

  get inConflict(): boolean {
    return this.conflicted;
  }

  get status(): SaveState {
    return this.state;
  }

  get pending(): boolean {
    return this.state !== "saved";
  }

  changed(): void {
    if (this.stopped) return;
    this.changes++;
    if (this.conflicted) return; // kept here, not saved, until the user settles the conflict
    this.setState("dirty");
    this.schedule(this.options.delayMs);
  }

  /** Save now if anything is unsaved; resolves true once the server has the current draft. */
  async flush(): Promise<boolean> {
    this.clearTimer();
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.conflicted) return false;
    const doc = this.options.current();
    const text = JSON.stringify(doc);
    if (text === this.lastSaved) {
      if (!this.timer) this.setState("saved");
      return true;
    }
    const changesAtStart = this.changes;
    this.setState("saving");
    const request = this.options.save(doc);
    this.inFlight = request;
    try {
      await request;
      this.lastSaved = text;
      this.setState(this.changes !== changesAtStart ? "dirty" : "saved");
      return true;
    } catch (exc) {
      if (this.options.isConflict(exc)) {
        this.conflicted = true;
        this.setState("conflict", errorMessage(exc));
        return false;
      }
      this.setState("error", errorMessage(exc));
      this.schedule(this.options.retryMs);
      return false;
    } finally {
      this.inFlight = null;
    }
  }

  /** No more saving (the editor is gone); `resume` undoes it (React runs effects twice in development). */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  resume(): void {
    this.stopped = false;
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: SaveState, error?: string): void {
    this.state = state;
    this.options.onState(state, error);
  }
}
