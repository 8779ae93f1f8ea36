// The canvas: React Flow with the editor's node and edge types, its grid, controls and minimap.
import "./FlowCanvas.css";
import { Controls, MiniMap, ReactFlow, type ReactFlowProps, ViewportPortal } from "@xyflow/react";
import type { DragEvent, PointerEvent as ReactPointerEvent, ReactNode, RefObject } from "react";
import type { FlowEdge, FlowNode, NodeTypeInfo } from "../../api/types";
import { EdgeMarkers, edgeTypes } from "../../nodes/FlowEdge";
import { nodeTypes } from "../../nodes/FlowNode";
import { typeColour } from "../../ui/icons";

interface Props {
  wrapper: RefObject<HTMLDivElement | null>;
  far: boolean;
  nodes: FlowNode[];
  edges: FlowEdge[];
  typeOf: (key: string) => NodeTypeInfo | undefined;
  canEdit: boolean;
  /** Whether the flow came with nodes (React Flow fits them into view). */
  fitView: boolean;
  showMap: boolean;
  /** What the editor does on React Flow's events (changes, connections, drags, init), handed to it as they are. */
  events: Pick<
    ReactFlowProps<FlowNode, FlowEdge>,
    | "onInit"
    | "onNodesChange"
    | "onEdgesChange"
    | "onConnect"
    | "onConnectEnd"
    | "isValidConnection"
    | "onNodeDragStart"
    | "onNodeDragStop"
    | "onSelectionDragStart"
    | "onSelectionDragStop"
  >;
  onDragOver: (event: DragEvent) => void;
  onDrop: (event: DragEvent) => void;
  onPanPointerDown: (event: ReactPointerEvent) => void;
  /** Over the canvas when the flow has no nodes. */
  empty: ReactNode;
}

export function FlowCanvas(props: Props) {
  const { wrapper, far, nodes, edges, typeOf, canEdit, showMap } = props;
  return (
    <main
      className={`canvas${far ? " is-far" : ""}`}
      ref={wrapper}
      onDragOver={props.onDragOver}
      onDrop={props.onDrop}
      onPointerDownCapture={props.onPanPointerDown}
      aria-label="Flow canvas"
    >
      <EdgeMarkers />
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        {...props.events}
        deleteKeyCode={canEdit ? ["Backspace", "Delete"] : null}
        nodesDraggable={canEdit}
        nodesConnectable={canEdit}
        fitView={props.fitView}
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
            maskColor="var(--minimap-mask)"
          />
        ) : null}
      </ReactFlow>
      {nodes.length === 0 ? props.empty : null}
    </main>
  );
}
