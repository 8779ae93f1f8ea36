// Copy and paste of the selected steps, shared with the builder's other tabs and flows through localStorage.
import { useCallback, useRef } from "react";
import { copySelection, isClip, pasteClip } from "./graph";
import type { GraphState } from "./useGraph";
import type { Commit } from "./useGraphChanges";

const CLIPBOARD_KEY = "flowbuilder.clipboard";

/** `copy()` and `paste()`: each says whether it did anything (else the browser's own copy or paste runs). */
export function useClipboard(graph: GraphState, commit: Commit, announce: (text: string) => void) {
  const { nodesRef, edgesRef } = graph;
  const pasteCount = useRef(0);
  const memoryClip = useRef<string | null>(null);
  const copy = useCallback((): boolean => {
    const clip = copySelection(nodesRef.current, edgesRef.current);
    if (!clip) return false;
    const text = JSON.stringify(clip);
    try {
      localStorage.setItem(CLIPBOARD_KEY, text); // shared with the builder's other tabs and flows
    } catch {
      // private mode: this tab only
    }
    memoryClip.current = text;
    pasteCount.current = 0;
    announce(`Copied ${clip.nodes.length} step${clip.nodes.length === 1 ? "" : "s"}.`);
    return true;
  }, [nodesRef, edgesRef, announce]);
  const paste = useCallback((): boolean => {
    let text: string | null = null;
    try {
      text = localStorage.getItem(CLIPBOARD_KEY);
    } catch {
      text = null;
    }
    text = text ?? memoryClip.current;
    if (!text) return false;
    let clip: unknown;
    try {
      clip = JSON.parse(text);
    } catch {
      return false;
    }
    if (!isClip(clip)) return false;
    pasteCount.current += 1;
    const offset = 40 * pasteCount.current;
    const pasted = pasteClip(clip, nodesRef.current, edgesRef.current, { x: offset, y: offset });
    const others = nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n));
    commit([...others, ...pasted.nodes], [...edgesRef.current, ...pasted.edges], {});
    announce(`Pasted ${pasted.nodes.length} step${pasted.nodes.length === 1 ? "" : "s"}.`);
    return true;
  }, [commit, nodesRef, edgesRef, announce]);
  return { copy, paste };
}
