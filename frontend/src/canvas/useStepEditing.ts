// Adding steps (from the palette, a drop, or a node's "+"), editing a step's settings, deleting steps and edges.
import { useReactFlow } from "@xyflow/react";
import { type DragEvent, type PointerEvent as ReactPointerEvent, type RefObject, useCallback, useState } from "react";
import type { FlowEdge, FlowNode, NodeConfig, NodeTypeInfo } from "../api/types";
import { NODE_MIME } from "../panels/Palette";
import { newEdgeId } from "./connections";
import { nextNodeId, pruneEdges } from "./graph";
import { handlesKey, outputsFor } from "./handles";
import { isNarrow, NODE_WIDTH } from "./layout";
import { initialConfig } from "./schema";
import type { GraphState } from "./useGraph";
import type { Commit } from "./useGraphChanges";

const STEP_GAP = 80; // between a node and the step its "+" adds

export interface StepPickerState {
  source: string;
  handle: string;
  anchor: DOMRect;
}

export function useStepEditing(
  graph: GraphState,
  typeOf: (key: string) => NodeTypeInfo | undefined,
  commit: Commit,
  wrapper: RefObject<HTMLDivElement | null>,
  announce: (text: string) => void,
  setPaletteOpen: (open: boolean) => void,
) {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const { nodesRef, edgesRef } = graph;
  const addNode = useCallback(
    (type: string, at?: { x: number; y: number }, select = true, from?: { source: string; handle: string }) => {
      const meta = typeOf(type);
      if (!meta) return;
      let position = at;
      if (!position) {
        const rect = wrapper.current?.getBoundingClientRect();
        const centre = rf.screenToFlowPosition({
          x: (rect?.left ?? 0) + (rect?.width ?? 800) / 2,
          y: (rect?.top ?? 0) + (rect?.height ?? 600) / 2,
        });
        position = { x: centre.x - NODE_WIDTH / 2, y: centre.y - 40 };
        // Not on top of a step already there: step down and right until the spot is free.
        for (let i = 0; i < 20 && nodesRef.current.some((n) => Math.abs(n.position.x - position!.x) < 24 && Math.abs(n.position.y - position!.y) < 24); i++) {
          position = { x: position.x + 32, y: position.y + 32 };
        }
      }
      const node: FlowNode = {
        id: nextNodeId(type, nodesRef.current.map((n) => n.id)),
        type,
        position: { x: Math.round(position.x), y: Math.round(position.y) },
        data: initialConfig(meta.config_schema),
        selected: select,
      };
      const others = select ? nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n)) : nodesRef.current;
      const free = from && !edgesRef.current.some((e) => e.source === from.source && (e.sourceHandle ?? "next") === from.handle);
      const edge: FlowEdge | null =
        from && free && meta.accepts_input !== false
          ? { id: newEdgeId(from.source, from.handle, edgesRef.current), source: from.source, sourceHandle: from.handle, target: node.id }
          : null;
      commit([...others, node], edge ? [...edgesRef.current, edge] : edgesRef.current, {});
      announce(edge ? `Added ${meta.label} step ${node.id} after ${from!.source}.` : `Added ${meta.label} step ${node.id}.`);
      // On a tablet the palette lies over the canvas: it makes way for the new step and its settings.
      if (isNarrow()) setPaletteOpen(false);
    },
    [typeOf, rf, commit, wrapper, nodesRef, edgesRef, announce, setPaletteOpen],
  );

  // A node's "+" on a free output: a small list of steps; the chosen one goes to the right of it, connected.
  const [picker, setPicker] = useState<StepPickerState | null>(null);
  const openStepPicker = useCallback((source: string, handle: string, anchor: DOMRect) => setPicker({ source, handle, anchor }), []);
  const closeStepPicker = useCallback(() => setPicker(null), []);
  const addAfter = useCallback(
    (type: string) => {
      if (!picker) return;
      setPicker(null);
      const source = rf.getInternalNode(picker.source);
      if (!source) return;
      const { x, y } = source.internals.positionAbsolute;
      const bounds = source.internals.handleBounds?.source?.find((h) => (h.id ?? "next") === picker.handle);
      let position = { x: x + (source.measured.width ?? NODE_WIDTH) + STEP_GAP, y: y + (bounds ? bounds.y + bounds.height / 2 - 30 : 0) };
      // Below any step already in that spot.
      for (let i = 0; i < 30 && nodesRef.current.some((n) => Math.abs(n.position.x - position.x) < NODE_WIDTH && Math.abs(n.position.y - position.y) < 90); i++) {
        position = { x: position.x, y: position.y + 100 };
      }
      addNode(type, position, true, { source: picker.source, handle: picker.handle });
    },
    [picker, rf, addNode, nodesRef],
  );

  // A pan holds the pointer: the browser then skips hit-testing thousands of elements on every mouse move.
  const onPanPointerDown = useCallback((event: ReactPointerEvent) => {
    const target = event.target as HTMLElement;
    if (event.button === 0 && event.pointerType === "mouse" && target.classList.contains("react-flow__pane")) {
      target.setPointerCapture(event.pointerId);
    }
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_MIME);
      if (!type) return;
      event.preventDefault();
      const at = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // A dropped step is selected and its settings open, as a step added with Enter is: the next thing to do
      // with a new step is to fill it in (the canvas pans if the settings would cover it).
      addNode(type, { x: at.x - NODE_WIDTH / 2, y: at.y - 30 }, true);
    },
    [rf, addNode],
  );

  const updateNodeData = useCallback(
    (id: string, data: NodeConfig) => {
      const node = nodesRef.current.find((n) => n.id === id);
      if (!node) return;
      const meta = typeOf(node.type ?? "");
      const before = outputsFor(meta, node.data);
      const after = outputsFor(meta, data);
      const nextEdges =
        handlesKey(before) === handlesKey(after) ? edgesRef.current : pruneEdges(edgesRef.current, id, after.map((o) => o.id));
      const nextNodes = nodesRef.current.map((n) => (n.id === id ? { ...n, data } : n));
      commit(nextNodes, nextEdges, { key: `form:${id}`, windowMs: 1500 });
    },
    [typeOf, commit, nodesRef, edgesRef],
  );

  const deleteNodes = useCallback(
    (ids: string[]) => {
      const gone = new Set(ids);
      commit(
        nodesRef.current.filter((n) => !gone.has(n.id)),
        edgesRef.current.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
        {},
      );
    },
    [commit, nodesRef, edgesRef],
  );
  const deleteEdge = useCallback(
    (id: string) => commit(nodesRef.current, edgesRef.current.filter((e) => e.id !== id), {}),
    [commit, nodesRef, edgesRef],
  );
  return {
    addNode,
    picker,
    openStepPicker,
    closeStepPicker,
    addAfter,
    onPanPointerDown,
    onDragOver,
    onDrop,
    updateNodeData,
    deleteNodes,
    deleteEdge,
  };
}
