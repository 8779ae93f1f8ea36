// The flow editor: palette, canvas, settings, and the side panels (preview with its trace, versions,
// conversations). The graph lives in refs (the truth, read by callbacks) mirrored into React state (for render);
// each concern is a hook of its own (use*.ts here), each part of the page a component (parts/).
import "./Editor.css";
import { useReactFlow } from "@xyflow/react";
import { Suspense, useCallback, useMemo, useRef, useState } from "react";
import type { Flow, FlowEdge, FlowNode, NodeTypeInfo } from "../api/types";
import { Palette } from "../panels/Palette";
import { StepPicker } from "../panels/StepPicker";
import { Icon } from "../ui/icons";
import { ToastRegion, useToast } from "../ui/Toast";
import { EditorContext, type EditorContextValue } from "./context";
import { isNarrow } from "./layout";
import { SettingsPanel } from "./lazySettings";
import { ConflictDialog } from "./parts/ConflictDialog";
import { EmptyCanvas } from "./parts/EmptyCanvas";
import { FlowCanvas } from "./parts/FlowCanvas";
import { ProblemsMenu } from "./parts/ProblemsMenu";
import { PublishDialog } from "./parts/PublishDialog";
import { ReadOnlyPalette } from "./parts/ReadOnlyPalette";
import { SaveStatus } from "./parts/SaveStatus";
import { SidePanels } from "./parts/SidePanels";
import { Toolbar } from "./parts/Toolbar";
import { useCanvasReady } from "./useCanvasReady";
import { useClipboard } from "./useClipboard";
import { useConnections } from "./useConnections";
import { useDraftSaver } from "./useDraftSaver";
import { useFarZoom } from "./useFarZoom";
import { type InitialGraph, useGraph } from "./useGraph";
import { useGraphChanges } from "./useGraphChanges";
import { useKeepInView } from "./useKeepInView";
import { useKnownSizes } from "./useKnownSizes";
import { usePanels } from "./usePanels";
import { usePermissions } from "./usePermissions";
import { useProblems, useViewStores } from "./useProblems";
import { usePublishing } from "./usePublishing";
import { useRevisionConflict } from "./useRevisionConflict";
import { useRunLighting } from "./useRunLighting";
import { useSelection } from "./useSelection";
import { useSettingsTarget } from "./useSettingsTarget";
import { useShortcuts } from "./useShortcuts";
import { useStepEditing } from "./useStepEditing";
import { useUndo } from "./useUndo";

interface Props {
  flow: Flow;
  types: NodeTypeInfo[];
  initial: InitialGraph;
}

export function Editor({ flow, types, initial }: Props) {
  const flowId = flow.id;
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const fitOnInit = useKnownSizes(initial.nodes.length);
  const { canEdit, canPreview, canPublish, readOnly } = usePermissions();
  const typeMap = useMemo(() => new Map(types.map((t) => [t.type, t])), [types]);
  const typeOf = useCallback((key: string) => typeMap.get(key), [typeMap]);
  const [toast, showToast, dismissToast] = useToast();

  const graph = useGraph(initial);
  const { nodes, edges, nodesRef } = graph;
  const stores = useViewStores();
  const { problems, applyProblems } = useProblems(stores, flow.problems);
  const draft = useDraftSaver(flowId, flow.revision, initial, graph, applyProblems, showToast);
  const { saver } = draft;
  const undo = useUndo(graph, saver);
  const { commit, onNodesChange, onEdgesChange, onDragStart, onDragStop, dragging } = useGraphChanges(graph, canEdit, undo, saver);
  const connections = useConnections(graph, typeOf, commit, showToast);

  const wrapper = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState("");
  const [paletteOpen, setPaletteOpen] = useState(() => !isNarrow());
  const togglePalette = useCallback(() => setPaletteOpen((o) => !o), []);
  const steps = useStepEditing(graph, typeOf, commit, wrapper, setAnnouncement, setPaletteOpen);
  const revealSoon = useKeepInView(wrapper, dragging);
  const { selectOnly, selectProblem, selectFromTrace } = useSelection(graph, revealSoon);
  const { copy, paste } = useClipboard(graph, commit, setAnnouncement);
  useShortcuts(nodesRef, { undo: undo.undo, redo: undo.redo, copy, paste, saver, selectOnly });

  const lighting = useRunLighting(flowId, graph.edgesRef, stores, revealSoon, saver, applyProblems, showToast);
  const { panel, setPanel, togglePanel } = usePanels(nodesRef, lighting.stopWatching, selectOnly, revealSoon);
  const publishing = usePublishing(flowId, flow.published_version, saver, showToast, applyProblems, setPanel);
  const conflicts = useRevisionConflict(flowId, graph, draft, undo, applyProblems, lighting.clearLighting, showToast);

  const settings = useSettingsTarget(graph, problems, typeOf, revealSoon);
  const { current } = settings;
  const closeSettings = useCallback(() => selectOnly(null), [selectOnly]);
  const { deleteNodes } = steps;
  const deleteOne = useCallback((id: string) => deleteNodes([id]), [deleteNodes]);

  const { far, isFar } = useFarZoom(initial.nodes); // isFar: the nodes read it too (light cards, nodes/FlowNode.tsx)
  const { ready, showMap } = useCanvasReady(nodes.length, nodesRef, flowId);

  const { deleteEdge, openStepPicker } = steps;
  const context: EditorContextValue = useMemo(
    () => ({ typeOf, ...stores, deleteEdge, canEdit, openStepPicker, isFar }),
    [typeOf, stores, deleteEdge, canEdit, openStepPicker, isFar],
  );
  const { publishedVersion } = publishing;

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
          <SaveStatus
            readOnly={readOnly}
            saveState={draft.saveState}
            saveError={draft.saveError}
            conflictShown={conflicts.conflict !== null}
            onResolve={() => void conflicts.showConflict()}
          />
          <ProblemsMenu problems={problems} nodes={nodes} typeOf={typeOf} onSelect={selectProblem} />
          <div className="spacer" />
          <Toolbar
            undoable={undo.undoable}
            onUndo={undo.undo}
            onRedo={undo.redo}
            onFit={() => void rf.fitView({ padding: 0.2, maxZoom: 1, duration: 300 })}
            panel={panel}
            onTogglePanel={togglePanel}
            onExport={() => void publishing.exportFlow()}
            onPublish={publishing.openPublish}
            busy={publishing.busy}
            canPreview={canPreview}
            canPublish={canPublish}
          />
        </header>
        <div className="workspace">
          {canEdit ? (
            <Palette types={types} onAdd={steps.addNode} open={paletteOpen} onToggle={togglePalette} />
          ) : (
            <ReadOnlyPalette readOnly={readOnly} />
          )}
          {current ? (
            <Suspense fallback={<aside className="settings panel-card" aria-label="Node settings" aria-busy="true" />}>
              <SettingsPanel
                node={current}
                meta={typeOf(current.type ?? "")}
                problems={settings.currentProblems}
                variables={settings.variables}
                allVariables={settings.allVariables}
                flowId={flowId}
                handleConnected={settings.handleConnected}
                onChange={steps.updateNodeData}
                onClose={closeSettings}
                onDelete={deleteOne}
                readOnly={readOnly}
              />
            </Suspense>
          ) : null}
          <FlowCanvas
            wrapper={wrapper}
            far={far}
            nodes={nodes}
            edges={edges}
            typeOf={typeOf}
            canEdit={canEdit}
            fitView={initial.nodes.length > 0}
            showMap={showMap}
            events={{
              onInit: fitOnInit,
              onNodesChange,
              onEdgesChange,
              ...connections,
              onNodeDragStart: onDragStart,
              onNodeDragStop: onDragStop,
              onSelectionDragStart: onDragStart,
              onSelectionDragStop: onDragStop,
            }}
            onDragOver={steps.onDragOver}
            onDrop={steps.onDrop}
            onPanPointerDown={steps.onPanPointerDown}
            empty={<EmptyCanvas canEdit={canEdit} readOnly={readOnly} onAddStart={() => steps.addNode("start")} />}
          />
          {panel ? (
            <SidePanels
              panel={panel}
              onToggle={togglePanel}
              flowId={flowId}
              slug={flow.slug ?? ""}
              publishedVersion={publishedVersion}
              versionsKey={publishing.versionsKey}
              canPublish={canPublish}
              socketOpen={lighting.socket === "open"}
              trace={lighting.trace}
              typeOf={typeOf}
              replaying={lighting.replaying}
              startPreview={lighting.startPreview}
              onReplay={(c) => void lighting.replay(c)}
              onStopReplay={lighting.stopReplay}
              onRestore={conflicts.restoreVersion}
              onSelectProblem={selectProblem}
              onSelectStep={selectFromTrace}
            />
          ) : null}
        </div>
        <div className="sr-only" aria-live="polite">
          {announcement}
        </div>
        {steps.picker ? <StepPicker types={types} anchor={steps.picker.anchor} onPick={steps.addAfter} onClose={steps.closeStepPicker} /> : null}
        <PublishDialog
          publishing={publishing.publishing}
          nextVersion={(publishedVersion ?? 0) + 1}
          busy={publishing.busy === "publish"}
          onNote={(note) => publishing.setPublishing({ note })}
          onPublish={(note) => void publishing.publish(note)}
          onClose={() => publishing.setPublishing(null)}
        />
        <ConflictDialog
          conflict={conflicts.conflict}
          typeOf={typeOf}
          onReload={conflicts.reloadTheirs}
          onOverwrite={() => void conflicts.overwriteTheirs()}
        />
        <ToastRegion toast={toast} onDismiss={dismissToast} />
      </div>
    </EditorContext.Provider>
  );
}
