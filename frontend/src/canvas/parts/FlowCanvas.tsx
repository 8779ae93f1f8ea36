// The canvas: React Flow with the editor's node and edge types, its grid, controls and minimap.
import "./FlowCanvas.css";
import {
  type Connection,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  ReactFlow,
  ViewportPortal,
} from "@xyflow/react";
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
  onInit: () => void;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect: (c: Connection) => void;
  onConnectEnd: (event: MouseEvent | TouchEvent, state: FinalConnectionState) => void;
  isValidConnection: (c: Connection | FlowEdge) => boolean;
  onDragStart: () => void;
  onDragStop: () => void;
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
        onNodesChange={props.onNodesChange}
        onEdgesChange={props.onEdgesChange}
        onConnect={props.onConnect}
        onConnectEnd={props.onConnectEnd}
        isValidConnection={props.isValidConnection}
        onNodeDragStart={props.onDragStart}
        onNodeDragStop={props.onDragStop}
        onSelectionDragStart={props.onDragStart}
        onSelectionDragStop={props.onDragStop}
        deleteKeyCode={canEdit ? ["Backspace", "Delete"] : null}
        nodesDraggable={canEdit}
        nodesConnectable={canEdit}
        fitView={props.fitView}
        onInit={props.onInit}
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
