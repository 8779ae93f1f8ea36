// The stored graph (React Flow's own shape) <-> the canvas's nodes and edges, snapshots, ids, copy and paste.
import type { FlowEdge, FlowNode, GraphDocument, GraphEdge, GraphNode, NodeConfig } from "../api/types";

export interface Snapshot {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The canvas's nodes and edges from a stored graph, and the rest of the document (kept as it was). */
export function fromGraph(doc: unknown): { nodes: FlowNode[]; edges: FlowEdge[]; rest: Record<string, unknown> } {
  const graph = isObject(doc) ? doc : {};
  const { nodes: rawNodes, edges: rawEdges, ...rest } = graph;
  const nodes: FlowNode[] = (Array.isArray(rawNodes) ? rawNodes : []).filter(isObject).map((raw) => {
    const position = isObject(raw.position) ? raw.position : {};
    return {
      id: String(raw.id),
      type: String(raw.type),
      position: { x: Number(position.x) || 0, y: Number(position.y) || 0 },
      data: (isObject(raw.data) ? raw.data : {}) as NodeConfig,
    };
  });
  const edges: FlowEdge[] = (Array.isArray(rawEdges) ? rawEdges : []).filter(isObject).map((raw) => {
    const edge: FlowEdge = { id: String(raw.id), source: String(raw.source), target: String(raw.target) };
    edge.sourceHandle = typeof raw.sourceHandle === "string" ? raw.sourceHandle : "next";
    if (typeof raw.targetHandle === "string") edge.targetHandle = raw.targetHandle;
    return edge;
  });
  return { nodes, edges, rest };
}

/** Only what the graph is (ids, types, positions, config, wiring); selection and measurements stay on the canvas. */
export function graphNode(node: FlowNode): GraphNode {
  return { id: node.id, type: node.type ?? "", position: { x: node.position.x, y: node.position.y }, data: node.data };
}

export function graphEdge(edge: FlowEdge): GraphEdge {
  const out: GraphEdge = { id: edge.id, source: edge.source, sourceHandle: edge.sourceHandle ?? "next", target: edge.target };
  if (edge.targetHandle) out.targetHandle = edge.targetHandle;
  return out;
}

export function toGraph(nodes: FlowNode[], edges: FlowEdge[], rest: Record<string, unknown> = {}): GraphDocument {
  return { ...rest, nodes: nodes.map(graphNode), edges: edges.map(graphEdge) };
}

export function snapshot(nodes: FlowNode[], edges: FlowEdge[]): Snapshot {
  return { nodes: nodes.map(graphNode), edges: edges.map(graphEdge) };
}

/** The canvas state for a snapshot, reusing the current node objects that did not change (no re-measuring). */
export function restore(snap: Snapshot, current: FlowNode[], currentEdges: FlowEdge[]): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const byId = new Map(current.map((n) => [n.id, n]));
  const nodes = snap.nodes.map((g) => {
    const node = byId.get(g.id);
    if (!node) return { ...g, data: g.data };
    const same = node.type === g.type && node.data === g.data && node.position.x === g.position.x && node.position.y === g.position.y;
    if (same && !node.selected) return node;
    return { ...node, type: g.type, position: g.position, data: g.data, selected: false };
  });
  const edgeById = new Map(currentEdges.map((e) => [e.id, e]));
  const edges = snap.edges.map((g) => {
    const edge = edgeById.get(g.id);
    if (edge && edge.source === g.source && edge.target === g.target && (edge.sourceHandle ?? "next") === g.sourceHandle) {
      return edge.selected ? { ...edge, selected: false } : edge;
    }
    return { ...g } as FlowEdge;
  });
  return { nodes, edges };
}

/** "<type>_<n>", n one more than the highest in use for that type. */
export function nextNodeId(type: string, taken: Iterable<string>): string {
  const pattern = new RegExp(`^${type.replace(/[^A-Za-z0-9_]/g, "\\$&")}_(\\d+)$`);
  const ids = new Set(taken);
  let highest = 0;
  for (const id of ids) {
    const match = pattern.exec(id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  let n = highest + 1;
  while (ids.has(`${type}_${n}`)) n++;
  return `${type}_${n}`;
}

export interface Clip {
  kind: "flowbuilder/clip";
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the edges between them. */
export function copySelection(nodes: FlowNode[], edges: FlowEdge[]): Clip | null {
  const chosen = nodes.filter((n) => n.selected);
  if (chosen.length === 0) return null;
  const ids = new Set(chosen.map((n) => n.id));
  return {
    kind: "flowbuilder/clip",
    nodes: chosen.map((n) => structuredClone(graphNode(n))),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map(graphEdge),
  };
}

/** New nodes and edges for a paste: fresh ids, moved by `offset`, selected; the edges among them kept. */
export function pasteClip(
  clip: Clip,
  existingNodes: FlowNode[],
  existingEdges: FlowEdge[],
  offset: { x: number; y: number },
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const taken = new Set(existingNodes.map((n) => n.id));
  const idMap = new Map<string, string>();
  const nodes: FlowNode[] = clip.nodes.map((g) => {
    const id = nextNodeId(g.type, taken);
    taken.add(id);
    idMap.set(g.id, id);
    return {
      id,
      type: g.type,
      position: { x: g.position.x + offset.x, y: g.position.y + offset.y },
      data: structuredClone(g.data),
      selected: true,
    };
  });
  const edgeIds = new Set(existingEdges.map((e) => e.id));
  const edges: FlowEdge[] = [];
  for (const g of clip.edges) {
    const source = idMap.get(g.source);
    const target = idMap.get(g.target);
    if (!source || !target) continue;
    const handle = g.sourceHandle ?? "next";
    let id = `e_${source}_${handle}`;
    for (let n = 2; edgeIds.has(id); n++) id = `e_${source}_${handle}_${n}`;
    edgeIds.add(id);
    edges.push({ id, source, sourceHandle: handle, target });
  }
  return { nodes, edges };
}

export function isClip(value: unknown): value is Clip {
  return isObject(value) && value.kind === "flowbuilder/clip" && Array.isArray(value.nodes) && Array.isArray(value.edges);
}

/** The edges left once a node's outputs are `outputIds`: a connection from an output that is gone goes too. */
export function pruneEdges(edges: FlowEdge[], nodeId: string, outputIds: string[]): FlowEdge[] {
  const keep = new Set(outputIds);
  const pruned = edges.filter((e) => e.source !== nodeId || keep.has(e.sourceHandle ?? "next"));
  return pruned.length === edges.length ? edges : pruned;
}
