// The flow editor: palette, canvas, settings, and the side panels (preview with its trace, versions,
// conversations). The graph lives in refs (the truth, read by callbacks) mirrored into React state (for render).
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
  ViewportPortal,
} from "@xyflow/react";
import { type DragEvent, type PointerEvent as ReactPointerEvent, lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type {
  Conversation,
  Flow,
  FlowEdge,
  GraphDocument,
  FlowNode,
  NodeConfig,
  NodeTypeInfo,
  PreviewReply,
  Problem,
  TraceFrame,
} from "../api/types";
import { EdgeMarkers, edgeTypes } from "../nodes/FlowEdge";
import { nodeTypes } from "../nodes/FlowNode";
import { ConversationsPanel } from "../panels/ConversationsPanel";
import { NODE_MIME, Palette } from "../panels/Palette";
import { PreviewPanel } from "../panels/PreviewPanel";
import { TraceList } from "../panels/TraceList";
import { SharePanel } from "../panels/SharePanel";
import { StepPicker } from "../panels/StepPicker";
import { VersionsPanel } from "../panels/VersionsPanel";
import { Dialog } from "../ui/Dialog";
import { downloadBlob } from "../ui/download";
import { Icon, typeColour } from "../ui/icons";
import { ToastRegion, useToast } from "../ui/Toast";
import { can, NEEDS, permissions, SHARE_NEEDS } from "./access";
import { diffGraphs, type GraphDifference, KIND_TEXT } from "./conflict";
import { connectionProblem, newEdgeId } from "./connections";
import { EditorContext, type EditorContextValue } from "./context";
import { copySelection, fromGraph, isClip, nextNodeId, pasteClip, pruneEdges, restore, type Snapshot, snapshot, toGraph } from "./graph";
import { handlesKey, outputsFor } from "./handles";
import { type EdgeRunState, type NodeRunState, ViewStore } from "./runtime";
import { revealShift, visibleArea } from "./reveal";
import { AutoSaver, type SaveState } from "./saver";
import { initialConfig, jsonEqual } from "./schema";
import { applyFrame, emptyTrace, framesFromRuns, type TraceState } from "./trace";
import { History, type RecordOptions } from "./undo";
import { useTraceSocket } from "./useTraceSocket";
import { savedVariables, type VariableChoices, variablesFor } from "./variables";

type Panel = "preview" | "versions" | "conversations" | "share" | null;

// The form library is most of the bundle: it loads while the canvas draws, not before.
const loadSettings = () => import("../panels/SettingsPanel");
const SettingsPanel = lazy(() => loadSettings().then((m) => ({ default: m.SettingsPanel })));

const SAVE_TEXT: Record<SaveState, string> = {
  saved: "Saved",
  saving: "Saving…",
  dirty: "Unsaved changes",
  error: "Unsaved changes",
  conflict: "Not saved: changed elsewhere",
};
const CLIPBOARD_KEY = "flowbuilder.clipboard";
const NODE_WIDTH = 200;
const REPLAY_STEP_MS = 260;
const FAR_ZOOM = 0.4;
const STEP_GAP = 80;
const ADD_BUTTON_ROOM = 40; // the "+" beside a selected node's outputs, kept in view with it // between a node and the step its "+" adds
// At this width and below (a tablet), the palette and the panels lie over the canvas instead of beside it.
const NARROW = "(max-width: 1024px)";

function isNarrow(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia(NARROW).matches;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

function sameProblems(a: Problem[], b: Problem[]): boolean {
  return jsonEqual(a, b);
}

/** The same object as last time while the value is equal, so memoized children do not re-render. */
function useStable<T>(value: T): T {
  const ref = useRef(value);
  if (!jsonEqual(ref.current, value)) ref.current = value;
  return ref.current;
}

interface Props {
  flow: Flow;
  types: NodeTypeInfo[];
  initial: ReturnType<typeof fromGraph>;
}

export function Editor({ flow, types, initial }: Props) {
  const flowId = flow.id;
  const rf = useReactFlow<FlowNode, FlowEdge>();
  // React Flow measures every node again when its ResizeObserver first sees it, even one that came with its size
  // and handles (canvas/sizes.ts): for a thousand nodes that is a second pass over the whole canvas. Its observer's
  // calls (one argument; useUpdateNodeInternals passes options) skip nodes drawn at the size React Flow has.
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  useState(() => {
    const measure = flowStore.getState().updateNodeInternals;
    const skipKnown: typeof measure = (updates, ...rest) => {
      if (rest.length) return measure(updates, ...rest);
      const { nodeLookup } = flowStore.getState();
      const todo = new Map(updates);
      for (const [id, update] of updates) {
        const node = nodeLookup.get(id);
        const el = update.nodeElement as HTMLElement;
        if (node?.internals.handleBounds && node.measured.width === el.offsetWidth && node.measured.height === el.offsetHeight) todo.delete(id);
      }
      if (todo.size) measure(todo);
    };
    flowStore.setState({ updateNodeInternals: skipKnown });
    return null;
  });
  // React Flow fits the view when the nodes are measured or handed over with the pan-zoom ready; nodes that come
  // measured may be handed over before it is (then its fit does nothing): fit once it is, if nothing moved yet.
  const fitOnInit = useCallback(() => {
    const [x, y, zoom] = flowStore.getState().transform;
    if (initial.nodes.length && x === 0 && y === 0 && zoom === 1) void rf.fitView({ padding: 0.2, maxZoom: 1 });
  }, [flowStore, initial.nodes.length, rf]);
  // What this user's roles allow (the page says; the API refuses the rest anyway).
  const [held] = useState(permissions);
  const canEdit = can("flows.change_flow", held);
  const canPreview = can("flows.preview_flow", held);
  const canPublish = can("flows.publish_flow", held);
  const readOnly = canEdit ? null : NEEDS["flows.change_flow"];
  const typeMap = useMemo(() => new Map(types.map((t) => [t.type, t])), [types]);
  const typeOf = useCallback((key: string) => typeMap.get(key), [typeMap]);
  const [toast, showToast, dismissToast] = useToast();

  // The graph: refs are the truth for callbacks, state renders it.
  const rest = useRef(initial.rest);
  const [nodes, setNodesState] = useState<FlowNode[]>(initial.nodes);
  const [edges, setEdgesState] = useState<FlowEdge[]>(initial.edges);
  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);
  const history = useRef(new History<Snapshot>()).current;
  const [undoable, setUndoable] = useState({ undo: false, redo: false });
  const dragging = useRef(false);

  const setGraph = useCallback((nextNodes: FlowNode[], nextEdges: FlowEdge[]) => {
    if (nextNodes !== nodesRef.current) {
      nodesRef.current = nextNodes;
      setNodesState(nextNodes);
    }
    if (nextEdges !== edgesRef.current) {
      edgesRef.current = nextEdges;
      setEdgesState(nextEdges);
    }
  }, []);

  // View state outside the graph: run lighting and problems, per node and edge.
  const stores = useMemo(
    () => ({
      nodeViews: new ViewStore<NodeRunState>(),
      edgeViews: new ViewStore<EdgeRunState>(),
    }),
    [],
  );
  const [problems, setProblems] = useState<Problem[]>(flow.problems ?? []);
  const applyProblems = useCallback(
    (list: Problem[]) => {
      const byNode = new Map<string, Problem[]>();
      const byEdge = new Map<string, Problem[]>();
      for (const p of list) {
        if (p.edge_id) byEdge.set(p.edge_id, [...(byEdge.get(p.edge_id) ?? []), p]);
        if (p.node_id && !p.edge_id) byNode.set(p.node_id, [...(byNode.get(p.node_id) ?? []), p]);
        if (p.node_id && p.edge_id && p.field) byNode.set(p.node_id, [...(byNode.get(p.node_id) ?? []), p]);
      }
      stores.nodeViews.problems.replace(byNode, sameProblems);
      stores.edgeViews.problems.replace(byEdge, sameProblems);
      setProblems((old) => (jsonEqual(old, list) ? old : list));
    },
    [stores],
  );
  useEffect(() => {
    applyProblems(flow.problems ?? []);
  }, [applyProblems, flow.problems]);

  // Saving.
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [saveError, setSaveError] = useState<string | null>(null);
  const [publishedVersion, setPublishedVersion] = useState<number | null>(flow.published_version ?? null);
  // The revision the draft here was made from: a save from it is refused if the draft was saved elsewhere since.
  const revision = useRef(flow.revision ?? 0);
  const [conflict, setConflict] = useState<{ theirs: Flow; diff: GraphDifference } | null>(null);
  const conflictSeen = useRef<(() => void) | null>(null);
  const saver = useMemo(
    () =>
      new AutoSaver({
        save: async (doc) => {
          const saved = await api.saveGraph(flowId, doc, revision.current);
          revision.current = saved.revision ?? revision.current + 1;
          applyProblems(saved.problems ?? []);
        },
        current: () => toGraph(nodesRef.current, edgesRef.current, rest.current),
        isConflict: (exc) => exc instanceof ApiError && exc.status === 409,
        onState: (state, error) => {
          setSaveState(state);
          setSaveError(error ?? null);
          if (state === "error") showToast(`Your changes are not saved yet: ${error}. Trying again in a moment.`, "error");
          if (state === "conflict") conflictSeen.current?.();
        },
      }),
    [flowId, applyProblems, showToast],
  );
  useEffect(() => {
    saver.resume();
    saver.baseline(toGraph(initial.nodes, initial.edges, initial.rest));
    return () => saver.stop();
  }, [saver, initial]);
  useEffect(() => {
    function beforeUnload(event: BeforeUnloadEvent) {
      if (!saver.pending) return;
      const doc = toGraph(nodesRef.current, edgesRef.current, rest.current);
      // From the revision it was made from, so it never overwrites a draft saved elsewhere
      if (!saver.inConflict) void api.saveGraph(flowId, doc, revision.current, true).catch(() => undefined);
      event.preventDefault();
    }
    window.addEventListener("beforeunload", beforeUnload);
    return () => window.removeEventListener("beforeunload", beforeUnload);
  }, [saver, flowId]);

  const refreshUndo = useCallback(() => setUndoable({ undo: history.canUndo, redo: history.canRedo }), [history]);

  /** A change to the graph: recorded for undo (unless `record` is null) and saved a moment later. */
  const commit = useCallback(
    (nextNodes: FlowNode[], nextEdges: FlowEdge[], record: RecordOptions | null) => {
      if (!canEdit) return; // the canvas is read-only for this role (the API would refuse the save too)
      if (record) history.record(snapshot(nodesRef.current, edgesRef.current), record);
      setGraph(nextNodes, nextEdges);
      refreshUndo();
      saver.changed();
    },
    [canEdit, history, setGraph, refreshUndo, saver],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      let changed = false;
      let record: RecordOptions | null = null;
      for (const c of changes) {
        if (c.type === "remove") {
          changed = true;
          record = { key: "delete", windowMs: 300 };
        } else if (c.type === "position" && c.position && !c.dragging) {
          changed = true;
          if (!dragging.current && !record) record = { key: "keyboard-move", windowMs: 1000 };
        } else if (c.type === "add" || c.type === "replace") {
          changed = true;
          record = record ?? {};
        }
      }
      const next = applyNodeChanges(changes, nodesRef.current);
      if (changed) commit(next, edgesRef.current, record);
      else if (changes.every((c) => c.type === "dimensions")) {
        // React Flow has the measurements already: keep them for the next update without rendering the whole
        // canvas again for them (that second pass is a third of opening a thousand-node flow).
        nodesRef.current = next;
      } else setGraph(next, edgesRef.current);
    },
    [commit, setGraph],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      const removing = changes.some((c) => c.type === "remove");
      const next = applyEdgeChanges(changes, edgesRef.current);
      if (removing) commit(nodesRef.current, next, { key: "delete", windowMs: 300 });
      else setGraph(nodesRef.current, next);
    },
    [commit, setGraph],
  );

  const onDragStart = useCallback(() => {
    dragging.current = true;
    history.record(snapshot(nodesRef.current, edgesRef.current));
    refreshUndo();
  }, [history, refreshUndo]);
  const onDragStop = useCallback(() => {
    dragging.current = false;
    history.seal();
  }, [history]);

  // Connections.
  const connectionContext = useCallback(
    () => ({
      nodeById: (id: string) => rf.getNode(id) ?? nodesRef.current.find((n) => n.id === id),
      typeOf,
      edges: edgesRef.current,
    }),
    [rf, typeOf],
  );
  const isValidConnection = useCallback(
    (c: Connection | FlowEdge) => connectionProblem(c, connectionContext()) === null,
    [connectionContext],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (connectionProblem(c, connectionContext()) !== null) return;
      const handle = c.sourceHandle ?? "next";
      const edge: FlowEdge = { id: newEdgeId(c.source, handle, edgesRef.current), source: c.source, sourceHandle: handle, target: c.target };
      commit(nodesRef.current, [...edgesRef.current, edge], {});
    },
    [commit, connectionContext],
  );
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const reason = connectionProblem(
        { source: state.fromNode.id, sourceHandle: state.fromHandle?.id ?? null, target: state.toNode.id, targetHandle: null },
        connectionContext(),
      );
      if (reason) showToast(reason, "error");
    },
    [connectionContext, showToast],
  );

  // Adding, deleting, editing nodes.
  const wrapper = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState("");
  const [paletteOpen, setPaletteOpen] = useState(() => !isNarrow());
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
      setAnnouncement(edge ? `Added ${meta.label} step ${node.id} after ${from!.source}.` : `Added ${meta.label} step ${node.id}.`);
      // On a tablet the palette lies over the canvas: it makes way for the new step and its settings.
      if (isNarrow()) setPaletteOpen(false);
    },
    [typeOf, rf, commit],
  );

  // A node's "+" on a free output: a small list of steps; the chosen one goes to the right of it, connected.
  const [picker, setPicker] = useState<{ source: string; handle: string; anchor: DOMRect } | null>(null);
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
    [picker, rf, addNode],
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
    [typeOf, commit],
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
    [commit],
  );
  const deleteEdge = useCallback(
    (id: string) => commit(nodesRef.current, edgesRef.current.filter((e) => e.id !== id), {}),
    [commit],
  );

  /** Pan so the node is in the part of the canvas no panel covers: centred there (`centre`), or moved just
   * enough (nothing moves when it is in view already). */
  const reveal = useCallback(
    (id: string, centre = false) => {
      const pane = wrapper.current;
      const node = rf.getInternalNode(id);
      // not under a node being dragged (dragging selects it): the canvas would slide away from the pointer
      if (!pane || !node || dragging.current) return;
      const covers = [...(pane.parentElement?.querySelectorAll(".palette, .settings, .side") ?? [])].map((el) => el.getBoundingClientRect());
      const area = visibleArea(pane.getBoundingClientRect(), covers);
      if (area.right - area.left < 40 || area.bottom - area.top < 40) return; // nothing to pan into
      let { x, y, zoom } = rf.getViewport();
      if (centre) zoom = Math.max(zoom, 0.8);
      const at = pane.getBoundingClientRect();
      // with room on the right for the selected node's "+" (drawn beside its outputs)
      const w = ((node.measured.width ?? NODE_WIDTH) + ADD_BUTTON_ROOM) * zoom;
      const h = (node.measured.height ?? 80) * zoom;
      const left = at.left + x + node.internals.positionAbsolute.x * zoom;
      const top = at.top + y + node.internals.positionAbsolute.y * zoom;
      const dx = revealShift(left, w, area.left, area.right, centre);
      const dy = revealShift(top, h, area.top, area.bottom, centre);
      if (dx || dy || zoom !== rf.getZoom()) void rf.setViewport({ x: x + dx, y: y + dy, zoom }, { duration: 250 });
    },
    [rf],
  );
  // After React has drawn what changed (a panel opening moves the canvas's edges), not before.
  const revealSoon = useCallback((id: string, centre = false) => requestAnimationFrame(() => reveal(id, centre)), [reveal]);

  const selectOnly = useCallback(
    (id: string | null, centre = false) => {
      const next = nodesRef.current.map((n) => {
        const want = n.id === id;
        return !!n.selected === want ? n : { ...n, selected: want };
      });
      const nextEdges = edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e));
      setGraph(next, nextEdges);
      if (centre && id) revealSoon(id, true);
    },
    [revealSoon, setGraph],
  );

  // Undo, redo, copy, paste.
  const undo = useCallback(() => {
    const previous = history.undo(snapshot(nodesRef.current, edgesRef.current));
    if (!previous) return;
    const back = restore(previous, nodesRef.current, edgesRef.current);
    setGraph(back.nodes, back.edges);
    refreshUndo();
    saver.changed();
  }, [history, setGraph, refreshUndo, saver]);
  const redo = useCallback(() => {
    const next = history.redo(snapshot(nodesRef.current, edgesRef.current));
    if (!next) return;
    const back = restore(next, nodesRef.current, edgesRef.current);
    setGraph(back.nodes, back.edges);
    refreshUndo();
    saver.changed();
  }, [history, setGraph, refreshUndo, saver]);

  const pasteCount = useRef(0);
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
    setAnnouncement(`Copied ${clip.nodes.length} step${clip.nodes.length === 1 ? "" : "s"}.`);
    return true;
  }, []);
  const memoryClip = useRef<string | null>(null);
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
    setAnnouncement(`Pasted ${pasted.nodes.length} step${pasted.nodes.length === 1 ? "" : "s"}.`);
    return true;
  }, [commit]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape" && !event.defaultPrevented && nodesRef.current.some((n) => n.selected)) {
        // Escape closes the settings (from inside them too), as it closes a dialog
        const inPanel = (event.target as HTMLElement | null)?.closest?.(".settings");
        if (inPanel || !isTyping(event.target)) {
          const id = nodesRef.current.find((n) => n.selected)?.id;
          selectOnly(null);
          if (inPanel && id) {
            // focus goes back to the step whose settings closed
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus());
          }
          return;
        }
      }
      if (isTyping(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        redo();
      } else if (key === "c") {
        if (copy()) event.preventDefault();
      } else if (key === "v") {
        if (paste()) event.preventDefault();
      } else if (key === "s") {
        event.preventDefault();
        void saver.flush();
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [undo, redo, copy, paste, saver, selectOnly]);

  // Lighting up the canvas: live frames of the preview conversation, or a replay of stored steps.
  const [trace, setTrace] = useState<TraceState>(emptyTrace);
  const watching = useRef<string | null>(null);
  const buffered = useRef<TraceFrame[] | null>(null);
  const light = useCallback(
    (frame: TraceFrame) => {
      if (frame.event === "step.started") {
        stores.nodeViews.runs.set(frame.node_id, { status: "running", durationMs: null });
        revealSoon(frame.node_id); // the running step is what to watch: never behind the preview or the settings
      } else if (frame.event === "step.finished") {
        stores.nodeViews.runs.set(frame.node_id, {
          status: frame.status === "failed" ? "failed" : "succeeded",
          durationMs: typeof frame.duration_ms === "number" ? frame.duration_ms : null,
        });
        if (frame.handle) {
          const edge = edgesRef.current.find((e) => e.source === frame.node_id && (e.sourceHandle ?? "next") === frame.handle);
          if (edge) stores.edgeViews.runs.set(edge.id, { taken: true });
        }
      }
      // step.delta (a reply being streamed) leaves the node as its started frame lit it: only the trace keeps the
      // text, per stream, for the trace list and the preview chat
      setTrace((t) => applyFrame(t, frame));
    },
    [stores, revealSoon],
  );
  const clearLighting = useCallback(() => {
    stores.nodeViews.runs.clear();
    stores.edgeViews.runs.clear();
    setTrace(emptyTrace);
  }, [stores]);

  const socket = useTraceSocket(flowId, (frame) => {
    if (watching.current && frame.conversation_id === watching.current) light(frame);
    else if (buffered.current && buffered.current.length < 2000) buffered.current.push(frame);
  });

  const replayTimers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const [replaying, setReplaying] = useState<string | null>(null);
  const stopReplay = useCallback(() => {
    replayTimers.current.forEach(clearTimeout);
    replayTimers.current = [];
    setReplaying(null);
  }, []);
  useEffect(() => stopReplay, [stopReplay]);

  const startPreview = useCallback(async (): Promise<PreviewReply> => {
    stopReplay();
    clearLighting();
    watching.current = null;
    if (!(await saver.flush())) throw new Error("The draft could not be saved, so the preview cannot start. Try again in a moment.");
    buffered.current = [];
    try {
      const reply = await api.startPreview(flowId);
      watching.current = reply.id;
      const early = (buffered.current ?? []).filter((f) => f.conversation_id === reply.id);
      buffered.current = null;
      early.forEach(light);
      return reply;
    } catch (exc) {
      buffered.current = null;
      if (exc instanceof ApiError && exc.problems.length) applyProblems(exc.problems);
      throw exc;
    }
  }, [stopReplay, clearLighting, saver, flowId, light, applyProblems]);

  const replay = useCallback(
    async (conversation: Conversation) => {
      stopReplay();
      clearLighting();
      watching.current = null;
      setReplaying(conversation.id);
      try {
        const runs = await api.runs(conversation.id);
        const frames = framesFromRuns(runs, conversation.id);
        if (!frames.length) {
          showToast("This conversation has no stored steps to replay.");
          setReplaying(null);
          return;
        }
        let at = 0;
        for (const frame of frames) {
          replayTimers.current.push(setTimeout(() => light(frame), at));
          if (frame.event !== "run.finished") at += frame.event === "step.started" ? REPLAY_STEP_MS : REPLAY_STEP_MS / 2;
        }
        replayTimers.current.push(setTimeout(() => setReplaying(null), at + 50));
      } catch (exc) {
        setReplaying(null);
        showToast(errorMessage(exc), "error");
      }
    },
    [stopReplay, clearLighting, light, showToast],
  );

  // Panels.
  const [panel, setPanel] = useState<Panel>(null);
  const [versionsKey, setVersionsKey] = useState(0);
  const togglePanel = useCallback(
    (next: Panel) => {
      if (panel === "preview" || panel === "conversations") {
        // leaving the live or replayed view: the canvas goes back to plain
        watching.current = null;
        stopReplay();
        clearLighting();
      }
      const opening = panel === next ? null : next;
      const focus = nodesRef.current.find((n) => n.selected)?.id;
      // the canvas is what to watch while chatting or replaying: the settings make way
      if (opening === "preview" || opening === "conversations") selectOnly(null);
      setPanel(opening);
      // the canvas is narrower (or wider) now: the step that was selected stays in view
      if (focus) revealSoon(focus);
    },
    [panel, stopReplay, clearLighting, selectOnly, revealSoon],
  );

  const [busy, setBusy] = useState<"publish" | "export" | null>(null);
  const [publishing, setPublishing] = useState<{ note: string } | null>(null);
  const unpublishedNote = useRef(""); // kept when publishing fails, for the next try
  const publish = useCallback(async (note: string) => {
    setBusy("publish");
    // The dialog closes either way: a refusal's toast and the problems on the canvas must not sit behind it.
    setPublishing(null);
    unpublishedNote.current = note;
    try {
      if (!(await saver.flush())) {
        showToast(
          saver.inConflict
            ? "Not published: this flow was changed elsewhere. Reload it or overwrite it first."
            : "The draft could not be saved, so it was not published. Try again in a moment.",
          "error",
        );
        return;
      }
      const version = await api.publish(flowId, note.trim());
      unpublishedNote.current = "";
      setPublishedVersion(version.number);
      setVersionsKey((k) => k + 1);
      showToast(`Published version ${version.number}. New conversations use it from now on.`, "success", {
        label: "Share",
        run: () => setPanel("share"),
      });
    } catch (exc) {
      if (exc instanceof ApiError && exc.problems.length) {
        applyProblems(exc.problems);
        const n = exc.problems.filter((p) => p.severity === "error").length;
        showToast(`Not published: fix ${n} problem${n === 1 ? "" : "s"} first (marked in red on the canvas).`, "error");
      } else {
        showToast(`Not published: ${errorMessage(exc)}`, "error");
      }
    } finally {
      setBusy(null);
    }
  }, [saver, flowId, showToast, applyProblems]);

  const exportFlow = useCallback(async () => {
    setBusy("export");
    try {
      await saver.flush();
      const file = await api.exportFlow(flowId);
      downloadBlob(file.blob, file.filename);
    } catch (exc) {
      showToast(`Could not export: ${errorMessage(exc)}`, "error");
    } finally {
      setBusy(null);
    }
  }, [saver, flowId, showToast]);

  const restoreVersion = useCallback(
    async (number: number) => {
      try {
        if (!(await saver.flush())) throw new Error("the current draft could not be saved first");
        const before = snapshot(nodesRef.current, edgesRef.current);
        const restored = await api.restoreVersion(flowId, number);
        revision.current = restored.revision ?? revision.current;
        const graph = fromGraph(restored.graph);
        history.record(before);
        rest.current = graph.rest;
        setGraph(graph.nodes, graph.edges);
        saver.baseline(toGraph(graph.nodes, graph.edges, graph.rest));
        applyProblems(restored.problems ?? []);
        refreshUndo();
        clearLighting();
        showToast(`Version ${number} restored into the draft. Undo brings the previous draft back.`, "success");
        window.requestAnimationFrame(() => void rf.fitView({ padding: 0.2, maxZoom: 1, duration: 300 }));
      } catch (exc) {
        showToast(`Could not restore version ${number}: ${errorMessage(exc)}`, "error");
      }
    },
    [saver, flowId, history, setGraph, applyProblems, refreshUndo, clearLighting, showToast, rf],
  );

  // A save refused because the draft was saved elsewhere: show what differs, then reload theirs or overwrite.
  const showConflict = useCallback(async () => {
    try {
      const theirs = await api.flow(flowId);
      const mine = toGraph(nodesRef.current, edgesRef.current, rest.current);
      // The API types a graph loosely (a node may lack fields: the server reports that as a problem, not an error).
      setConflict({ theirs, diff: diffGraphs(mine, theirs.graph as unknown as GraphDocument) });
    } catch (exc) {
      showToast(`This flow was changed elsewhere, and loading that version failed: ${errorMessage(exc)}`, "error");
    }
  }, [flowId, showToast]);
  conflictSeen.current = () => void showConflict();
  const reloadTheirs = useCallback(() => {
    if (!conflict) return;
    const { theirs } = conflict;
    history.record(snapshot(nodesRef.current, edgesRef.current)); // Undo brings this tab's draft back
    const graph = fromGraph(theirs.graph);
    rest.current = graph.rest;
    revision.current = theirs.revision ?? revision.current;
    setGraph(graph.nodes, graph.edges);
    saver.baseline(toGraph(graph.nodes, graph.edges, graph.rest));
    applyProblems(theirs.problems ?? []);
    refreshUndo();
    setConflict(null);
    showToast("Loaded the draft saved elsewhere. Undo brings this tab's changes back.", "success");
  }, [conflict, history, setGraph, saver, applyProblems, refreshUndo, showToast]);
  const overwriteTheirs = useCallback(async () => {
    if (!conflict) return;
    revision.current = conflict.theirs.revision ?? revision.current;
    setConflict(null);
    if (await saver.overwrite()) showToast("Saved this tab's draft over the other one.", "success");
  }, [conflict, saver, showToast]);

  // What the settings panel needs.
  const selected = useMemo(() => nodes.filter((n) => n.selected), [nodes]);
  const current = selected.length === 1 ? selected[0] : null;
  // A node selected (clicked, dropped, added) is kept out from under its settings.
  const currentId = current?.id ?? null;
  useEffect(() => {
    if (!currentId) return;
    const frame = revealSoon(currentId);
    return () => cancelAnimationFrame(frame);
  }, [currentId, revealSoon]);
  const currentProblems = useMemo(
    () => (current ? problems.filter((p) => p.node_id === current.id && (!p.edge_id || p.field)) : []),
    [current, problems],
  );
  const variables: VariableChoices = useStable(
    useMemo(() => (current ? variablesFor(current.id, nodes, edges, typeOf) : { before: [], elsewhere: [] }), [current, nodes, edges, typeOf]),
  );
  const allVariables: string[] = useStable(
    useMemo(() => {
      if (!current) return [];
      const names = new Set<string>();
      for (const n of nodes) for (const v of savedVariables(typeOf(n.type ?? ""), n.data)) names.add(v);
      return [...names].sort();
    }, [current, nodes, typeOf]),
  );
  const handleConnected = useCallback(
    (handle: string) => {
      const id = nodesRef.current.find((n) => n.selected)?.id;
      return edgesRef.current.some((e) => e.source === id && e.sourceHandle === handle);
    },
    [],
  );
  const closeSettings = useCallback(() => selectOnly(null), [selectOnly]);
  const deleteOne = useCallback((id: string) => deleteNodes([id]), [deleteNodes]);
  const selectProblem = useCallback(
    (p: Problem) => {
      if (p.node_id) selectOnly(p.node_id, true);
    },
    [selectOnly],
  );
  const selectFromTrace = useCallback((id: string) => {
    if (nodesRef.current.some((n) => n.id === id)) selectOnly(id, true);
  }, [selectOnly]);

  // Zoomed far out, a node's words are too small to read: they are not painted then (the cards, their colours,
  // run states and the edges are), which keeps a thousand-node flow smooth to pan.
  // A big flow opens zoomed far out (fit view): drawn that way from the first frame, not in full and then again.
  const [opensFar] = useState(() => {
    let right = -Infinity;
    let bottom = -Infinity;
    let left = Infinity;
    let top = Infinity;
    for (const n of initial.nodes) {
      left = Math.min(left, n.position.x);
      top = Math.min(top, n.position.y);
      right = Math.max(right, n.position.x + (n.measured?.width ?? NODE_WIDTH));
      bottom = Math.max(bottom, n.position.y + (n.measured?.height ?? 80));
    }
    if (!initial.nodes.length) return false;
    const zoom = Math.min(window.innerWidth / (right - left), window.innerHeight / (bottom - top));
    return zoom < FAR_ZOOM / 2;
  });
  const far = useStore(
    (s) => s.transform[2] < FAR_ZOOM || (opensFar && s.transform[0] === 0 && s.transform[1] === 0 && s.transform[2] === 1),
  );

  // Ready: the flow is loaded and every node has been drawn and measured (tests and the benchmark wait for it).
  // (React Flow's own flag is only computed when the nodes are handed over again, which measuring no longer does)
  const readyRef = useRef(false);
  const initialised = useStore((s) => {
    if (readyRef.current) return true;
    for (const node of s.nodeLookup.values()) if (!node.measured?.width || !node.measured?.height) return false;
    return s.nodeLookup.size > 0;
  });
  const [ready, setReady] = useState(false);
  // Once the canvas is drawn: the minimap (a second drawing of every node), then the settings form's code.
  const [showMap, setShowMap] = useState(false);
  useEffect(() => {
    if (!ready) return;
    const map = setTimeout(() => setShowMap(true), 800);
    const settings = setTimeout(() => void loadSettings(), 1500);
    return () => {
      clearTimeout(map);
      clearTimeout(settings);
    };
  }, [ready]);
  useEffect(() => {
    if (ready) return;
    if (nodes.length === 0 || initialised) {
      readyRef.current = true;
      setReady(true);
      // The worked-out handle places served the first drawing; from now on React Flow keeps what it measures
      // (a node object copied later must not bring the guess back). In place: no node is rendered again for it.
      for (const node of nodesRef.current) delete node.handles;
      performance.mark("builder:ready");
      (window as unknown as { __builder: unknown }).__builder = { ready: true, nodeCount: nodesRef.current.length, flowId };
    }
  }, [ready, initialised, nodes.length, flowId]);

  const context: EditorContextValue = useMemo(
    () => ({ typeOf, ...stores, deleteEdge, canEdit, openStepPicker }),
    [typeOf, stores, deleteEdge, canEdit, openStepPicker],
  );

  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const [problemsOpen, setProblemsOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  const moreRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!moreOpen) return;
    function away(event: PointerEvent | KeyboardEvent) {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !(event.target as HTMLElement).closest(".more-tools, .more-tools-btn")) setMoreOpen(false);
    }
    document.addEventListener("pointerdown", away, true);
    document.addEventListener("keydown", away);
    return () => {
      document.removeEventListener("pointerdown", away, true);
      document.removeEventListener("keydown", away);
    };
  }, [moreOpen]);
  const togglePalette = useCallback(() => setPaletteOpen((o) => !o), []);

  return (
    <EditorContext.Provider value={context}>
      <div className="editor" data-ready={ready ? "true" : "false"} data-flow-id={flowId}>
        <header className="topbar">
          <a className="back icon-btn" href="/builder/" aria-label="All flows" title="All flows">
            <Icon name="chevron-left" />
          </a>
          <div className="flow-title">
            <h1>{flow.name}</h1>
            <span className="muted flow-state">{publishedVersion ? `Draft · live version ${publishedVersion}` : "Draft · not published yet"}</span>
          </div>
          {readOnly ? (
            <span className="save-state is-read-only" role="status" data-testid="save-state" title={`${readOnly}.`}>
              <Icon name="lock" size={13} />
              Read only
            </span>
          ) : (
            <span
              className={`save-state is-${saveState}`}
              role="status"
              data-testid="save-state"
              title={saveError ? (saveState === "conflict" ? saveError : `Saving failed: ${saveError}. Retrying…`) : undefined}
            >
              <span className="dot" aria-hidden="true" />
              {SAVE_TEXT[saveState]}
            </span>
          )}
          {saveState === "conflict" && !conflict ? (
            <button type="button" className="btn btn-small" onClick={() => void showConflict()}>
              Resolve…
            </button>
          ) : null}
          {saveState === "error" ? <span className="muted save-error">Retrying…</span> : null}
          <div className="problems-menu">
            <button
              type="button"
              className={`pill-btn ${errors ? "is-error" : warnings ? "is-warning" : "is-ok"}`}
              aria-expanded={problemsOpen}
              onClick={() => setProblemsOpen((o) => !o)}
            >
              <Icon name={errors || warnings ? "alert" : "check"} size={14} />
              {errors || warnings ? `${errors ? `${errors} to fix` : ""}${errors && warnings ? ", " : ""}${warnings ? `${warnings} note${warnings === 1 ? "" : "s"}` : ""}` : "No problems"}
            </button>
            {problemsOpen && problems.length ? (
              <ul className="problems-popover">
                {problems.map((p, i) => (
                  <li key={i} className={`is-${p.severity}`}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        selectProblem(p);
                        setProblemsOpen(false);
                      }}
                      disabled={!p.node_id}
                    >
                      {p.node_id ? <strong>{typeOf(nodes.find((n) => n.id === p.node_id)?.type ?? "")?.label ?? p.node_id}: </strong> : null}
                      {p.message}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          <div className="spacer" />
          <div className="toolbar">
            {/* On a narrow screen the secondary tools fold into "More"; wide, the wrapper is invisible to layout */}
            <button
              type="button"
              className="tool more-tools-btn"
              aria-expanded={moreOpen}
              aria-controls="more-tools"
              onClick={() => setMoreOpen((o) => !o)}
              title="More tools"
            >
              <Icon name="more" size={16} />
              <span>More</span>
            </button>
            <div
              id="more-tools"
              className={`more-tools${moreOpen ? " is-open" : ""}`}
              ref={moreRef}
              onClick={(event) => {
                if ((event.target as HTMLElement).closest("button") && isNarrow()) setMoreOpen(false);
              }}
            >
            <button type="button" className="tool" onClick={undo} disabled={!undoable.undo} title="Undo (Ctrl+Z)">
              <Icon name="undo" size={16} />
              <span>Undo</span>
            </button>
            <button type="button" className="tool" onClick={redo} disabled={!undoable.redo} title="Redo (Ctrl+Shift+Z)">
              <Icon name="redo" size={16} />
              <span>Redo</span>
            </button>
            <button type="button" className="tool" onClick={() => void rf.fitView({ padding: 0.2, maxZoom: 1, duration: 300 })}>
              <Icon name="fit" size={16} />
              <span>Fit view</span>
            </button>
            <span className="sep" aria-hidden="true" />
            <button type="button" className="tool" onClick={() => togglePanel("versions")} aria-pressed={panel === "versions"}>
              <Icon name="history" size={16} />
              <span>Versions</span>
            </button>
            <button type="button" className="tool" onClick={() => togglePanel("conversations")} aria-pressed={panel === "conversations"}>
              <Icon name="list" size={16} />
              <span>Conversations</span>
            </button>
            <button type="button" className="tool" onClick={() => void exportFlow()} disabled={busy === "export"}>
              <Icon name="download" size={16} />
              <span>Export</span>
            </button>
            </div>
            <span className="sep" aria-hidden="true" />
            {/* A disabled button gets no pointer events: its wrapper carries the tooltip saying which role it needs */}
            <span className="role-gate" title={canPreview ? undefined : NEEDS["flows.preview_flow"]}>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => togglePanel("preview")}
                aria-pressed={panel === "preview"}
                disabled={!canPreview}
                aria-description={canPreview ? undefined : NEEDS["flows.preview_flow"]}
              >
                <Icon name="chat" size={16} />
                Preview
              </button>
            </span>
            <span className="role-gate" title={canPublish ? undefined : NEEDS["flows.publish_flow"]}>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => setPublishing({ note: unpublishedNote.current })}
                disabled={busy === "publish" || !canPublish}
                aria-description={canPublish ? undefined : NEEDS["flows.publish_flow"]}
              >
                <Icon name="rocket" size={16} />
                {busy === "publish" ? "Publishing…" : "Publish"}
              </button>
            </span>
            <button type="button" className="btn btn-secondary" onClick={() => togglePanel("share")} aria-pressed={panel === "share"}>
              <Icon name="globe" size={16} />
              Share
            </button>
          </div>
        </header>
        <div className="workspace">
          {canEdit ? (
            <Palette types={types} onAdd={addNode} open={paletteOpen} onToggle={togglePalette} />
          ) : (
            <aside className="palette palette-locked" aria-label="Node palette">
              <div className="palette-head">
                <h2>Steps</h2>
                <p className="muted" data-testid="read-only-note">
                  You can look at this flow, its versions and conversations. {readOnly}.
                </p>
              </div>
            </aside>
          )}
          {current ? (
            <Suspense fallback={<aside className="settings panel-card" aria-label="Node settings" aria-busy="true" />}>
            <SettingsPanel
              node={current}
              meta={typeOf(current.type ?? "")}
              problems={currentProblems}
              variables={variables}
              allVariables={allVariables}
              flowId={flowId}
              handleConnected={handleConnected}
              onChange={updateNodeData}
              onClose={closeSettings}
              onDelete={deleteOne}
              readOnly={readOnly}
            />
            </Suspense>
          ) : null}
          <main
            className={`canvas${far ? " is-far" : ""}`}
            ref={wrapper}
            onDragOver={onDragOver}
            onDrop={onDrop}
            onPointerDownCapture={onPanPointerDown}
            aria-label="Flow canvas"
          >
            <EdgeMarkers />
            <ReactFlow<FlowNode, FlowEdge>
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onConnectEnd={onConnectEnd}
              isValidConnection={isValidConnection}
              onNodeDragStart={onDragStart}
              onNodeDragStop={onDragStop}
              onSelectionDragStart={onDragStart}
              onSelectionDragStop={onDragStop}
              deleteKeyCode={canEdit ? ["Backspace", "Delete"] : null}
              nodesDraggable={canEdit}
              nodesConnectable={canEdit}
              fitView={initial.nodes.length > 0}
              onInit={fitOnInit}
              fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
              minZoom={0.05}
              maxZoom={2}
              snapToGrid
              snapGrid={[8, 8]}
              connectionRadius={28}
              onlyRenderVisibleElements={false}
              proOptions={{ hideAttribution: false }}
            >
              {/* The dotted grid is drawn inside the viewport, so it moves with the drawing as one layer while
                  panning; React Flow's Background is repainted (a full-screen pattern) on every frame. */}
              <ViewportPortal>
                <div className="fb-grid" aria-hidden="true" />
              </ViewportPortal>
              <Controls showFitView={false} showInteractive={false} position="bottom-left" />
              {nodes.length && showMap ? (
              <MiniMap
                pannable
                zoomable
                position="bottom-right"
                ariaLabel="Mini map"
                nodeColor={(n) => typeColour(n.type ?? "", typeOf(n.type ?? "")?.category)}
                nodeStrokeWidth={0}
                maskColor="rgba(241, 245, 249, 0.7)"
              />
              ) : null}
            </ReactFlow>
            {nodes.length === 0 ? (
              <div className="canvas-empty">
                <div className="canvas-empty-card">
                  <Icon name="flow" size={32} />
                  <h2>Build your chatbot here</h2>
                  <p>
                    Drag <strong>Start</strong> from the left onto the canvas, then add messages and questions and
                    connect each step's right-hand dot to the next step.
                  </p>
                  <button
                    type="button"
                    className="btn btn-primary"
                    onClick={() => addNode("start")}
                    disabled={!canEdit}
                    title={readOnly ?? undefined}
                  >
                    <Icon name="plus" size={16} /> Add the first step
                  </button>
                </div>
              </div>
            ) : null}
          </main>
          {panel ? (
            <div className="side">
              {panel === "preview" ? (
                <PreviewPanel
                  start={startPreview}
                  onClose={() => togglePanel("preview")}
                  onSelectProblem={selectProblem}
                  socketOk={socket === "open"}
                  streams={trace.streams}
                />
              ) : panel === "share" ? (
                <SharePanel
                  flowId={flowId}
                  slug={flow.slug ?? ""}
                  publishedVersion={publishedVersion}
                  onClose={() => togglePanel("share")}
                  changeRefused={canPublish ? null : SHARE_NEEDS}
                />
              ) : panel === "versions" ? (
                <VersionsPanel
                  flowId={flowId}
                  refreshKey={versionsKey}
                  onRestore={restoreVersion}
                  onClose={() => togglePanel("versions")}
                  restoreRefused={canPublish ? null : "Restoring needs the Publisher role"}
                />
              ) : (
                <ConversationsPanel
                  flowId={flowId}
                  replaying={replaying}
                  onReplay={(c) => void replay(c)}
                  onStop={stopReplay}
                  onClose={() => togglePanel("conversations")}
                />
              )}
              {panel === "preview" || panel === "conversations" ? (
                <TraceList
                  trace={trace}
                  typeOf={typeOf}
                  onSelect={selectFromTrace}
                  emptyText={panel === "preview" ? "The steps of this chat appear here as they run." : "Replay a conversation to see its steps."}
                />
              ) : null}
            </div>
          ) : null}
        </div>
        <div className="sr-only" aria-live="polite">
          {announcement}
        </div>
        {picker ? <StepPicker types={types} anchor={picker.anchor} onPick={addAfter} onClose={closeStepPicker} /> : null}
        <Dialog open={publishing !== null} title={`Publish version ${(publishedVersion ?? 0) + 1}?`} onClose={() => setPublishing(null)}>
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              void publish(publishing?.note ?? "");
            }}
          >
            <p>New conversations will use this version at once; conversations already under way stay on theirs.</p>
            <div className="fb-field">
              <label className="fb-label" htmlFor="publish-note">
                What changed? <span className="muted">(optional, shown in Versions)</span>
              </label>
              <textarea
              id="publish-note"
              className="fb-input"
              rows={3}
              maxLength={500}
              value={publishing?.note ?? ""}
              onChange={(e) => setPublishing({ note: e.target.value })}
              placeholder="e.g. Friendlier greeting; asks for the order number first"
              autoFocus
              />
            </div>
            <div className="dialog-actions">
              <button type="button" className="btn btn-ghost" onClick={() => setPublishing(null)}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={busy === "publish"}>
                <Icon name="rocket" size={16} />
                {busy === "publish" ? "Publishing…" : "Publish"}
              </button>
            </div>
          </form>
        </Dialog>
        <Dialog open={conflict !== null} title="This flow was changed elsewhere" onClose={() => undefined}>
          {conflict ? (
            <div data-testid="conflict">
              <p>
                Someone saved this flow in another tab or browser
                {conflict.theirs.updated_at ? <> at {new Date(conflict.theirs.updated_at).toLocaleTimeString()}</> : null}, after you
                opened it. Your changes here are not saved yet.
              </p>
              {conflict.diff.nodes.length ? (
                <ul className="conflict-list" aria-label="Steps that differ">
                  {conflict.diff.nodes.map((d) => (
                    <li key={d.id} data-testid="conflict-node">
                      <strong>{typeOf(d.type)?.label ?? d.type}</strong> <code>{d.id}</code>: {KIND_TEXT[d.kind]}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No step differs{conflict.diff.other ? "; the flow's settings do" : ""}.</p>
              )}
              {conflict.diff.edgesHere || conflict.diff.edgesThere ? (
                <p className="muted">
                  Connections: {conflict.diff.edgesHere} only here, {conflict.diff.edgesThere} only in the saved draft.
                </p>
              ) : null}
              <div className="dialog-actions conflict-actions">
                <button type="button" className="btn btn-secondary" onClick={reloadTheirs}>
                  Reload the saved draft
                </button>
                <button type="button" className="btn btn-danger" onClick={() => void overwriteTheirs()}>
                  Overwrite it with mine
                </button>
              </div>
            </div>
          ) : null}
        </Dialog>
        <ToastRegion toast={toast} onDismiss={dismissToast} />
      </div>
    </EditorContext.Provider>
  );
}
