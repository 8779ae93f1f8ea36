// What node and edge components read besides their props; one stable object per editor, so providing it never
// re-renders the canvas.
import type { ReactFlowState } from "@xyflow/react";
import { createContext, useContext } from "react";
import type { NodeTypeInfo } from "../api/types";
import type { EdgeRunState, NodeRunState, ViewStore } from "./runtime";

export interface EditorContextValue {
  typeOf: (key: string) => NodeTypeInfo | undefined;
  nodeViews: ViewStore<NodeRunState>;
  edgeViews: ViewStore<EdgeRunState>;
  deleteEdge: (id: string) => void;
  canEdit: boolean;
  /** A node's "+" on a free output: the list of steps to add there, beside the button. */
  openStepPicker: (source: string, handle: string, anchor: DOMRect) => void;
  /** React Flow store selector: zoomed so far out that words are not drawn (also true before a big flow's first fit). */
  isFar: (state: ReactFlowState) => boolean;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error("useEditor outside the editor");
  return value;
}
