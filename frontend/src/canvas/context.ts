// What node and edge components read besides their props; one stable object per editor, so providing it never
// re-renders the canvas.
import { createContext, useContext } from "react";
import type { NodeTypeInfo } from "../api/types";
import type { EdgeRunState, NodeRunState, ViewStore } from "./runtime";

export interface EditorContextValue {
  typeOf: (key: string) => NodeTypeInfo | undefined;
  nodeViews: ViewStore<NodeRunState>;
  edgeViews: ViewStore<EdgeRunState>;
  deleteEdge: (id: string) => void;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error("useEditor outside the editor");
  return value;
}
