// Sizes and screen widths the editor's arithmetic shares.
export const NODE_WIDTH = 200;
// At this width and below (a tablet), the palette and the panels lie over the canvas instead of beside it.
const NARROW = "(max-width: 1024px)";

export function isNarrow(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia(NARROW).matches;
}
