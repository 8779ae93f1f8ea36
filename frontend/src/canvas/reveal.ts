// Keeping a node in view: the part of the canvas the panels lying over it leave visible, and the pan that brings a
// node's box into it.

export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Room kept between a revealed node and the edge of what the panels leave visible. */
export const REVEAL_MARGIN = 16;

/** The part of the canvas (screen coordinates) that the boxes covering it leave visible: a cover on the canvas's right
 * half narrows it from the right, one on its left half from the left (the palette, the settings, side panels). */
export function visibleArea(pane: Box, covers: Box[]): Box {
  let left = pane.left + REVEAL_MARGIN;
  let right = pane.right - REVEAL_MARGIN;
  const middle = (pane.left + pane.right) / 2;
  for (const r of covers) {
    if (r.right <= r.left || r.right <= pane.left || r.left >= pane.right || r.bottom <= pane.top || r.top >= pane.bottom) continue;
    if ((r.left + r.right) / 2 > middle) right = Math.min(right, r.left - REVEAL_MARGIN);
    else left = Math.max(left, r.right + REVEAL_MARGIN);
  }
  return { left, right, top: pane.top + REVEAL_MARGIN, bottom: pane.bottom - REVEAL_MARGIN };
}

/** How far to move a box (start, size) along one axis to bring it between from and to: just enough (0 when it is
 * there already), or to the middle (`centre`, or when it is bigger than the room). */
export function revealShift(start: number, size: number, from: number, to: number, centre = false): number {
  if (centre || size > to - from) return (from + to) / 2 - (start + size / 2);
  if (start < from) return from - start;
  if (start + size > to) return to - (start + size);
  return 0;
}
