// Two tabs, one draft: what differs between the draft here and the one saved elsewhere, step by step.
import type { GraphDocument, GraphNode } from "../api/types";
import { jsonEqual } from "./schema";

export interface NodeDifference {
  id: string;
  type: string;
  /** changed: its settings differ; moved: only its place; here: only in this tab; there: only in the saved one */
  kind: "changed" | "moved" | "here" | "there";
}

export interface GraphDifference {
  nodes: NodeDifference[];
  /** Connections only one side has (counted: they follow from the steps). */
  edgesHere: number;
  edgesThere: number;
  /** Something beyond steps and connections differs (the flow's settings). */
  other: boolean;
}

function byId(nodes: GraphNode[]): Map<string, GraphNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}

function edgeKey(e: GraphDocument["edges"][number]): string {
  return `${e.source}|${e.sourceHandle ?? "next"}|${e.target}|${e.targetHandle ?? ""}`;
}

function rest(doc: GraphDocument): Record<string, unknown> {
  const { nodes: _n, edges: _e, spec_version: _s, ...others } = doc;
  return others;
}

export function diffGraphs(here: GraphDocument, there: GraphDocument): GraphDifference {
  const mine = byId(here.nodes ?? []);
  const theirs = byId(there.nodes ?? []);
  const nodes: NodeDifference[] = [];
  for (const [id, node] of mine) {
    const other = theirs.get(id);
    if (!other) nodes.push({ id, type: node.type, kind: "here" });
    else if (node.type !== other.type || !jsonEqual(node.data ?? {}, other.data ?? {})) nodes.push({ id, type: node.type, kind: "changed" });
    else if (node.position?.x !== other.position?.x || node.position?.y !== other.position?.y) nodes.push({ id, type: node.type, kind: "moved" });
  }
  for (const [id, node] of theirs) if (!mine.has(id)) nodes.push({ id, type: node.type, kind: "there" });
  const edgesMine = new Set((here.edges ?? []).map(edgeKey));
  const edgesTheirs = new Set((there.edges ?? []).map(edgeKey));
  return {
    nodes,
    edgesHere: [...edgesMine].filter((k) => !edgesTheirs.has(k)).length,
    edgesThere: [...edgesTheirs].filter((k) => !edgesMine.has(k)).length,
    other: !jsonEqual(rest(here), rest(there)),
  };
}

export const KIND_TEXT: Record<NodeDifference["kind"], string> = {
  changed: "settings differ",
  moved: "moved",
  here: "only in this tab",
  there: "only in the saved draft",
};
