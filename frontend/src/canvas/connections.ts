// Which connections the canvas accepts: the same rules the server checks, refused while dragging.
import type { Connection } from "@xyflow/react";
import type { FlowEdge, FlowNode, NodeTypeInfo } from "../api/types";
import { outputsFor } from "./handles";

export interface ConnectionContext {
  nodeById: (id: string) => FlowNode | undefined;
  typeOf: (key: string) => NodeTypeInfo | undefined;
  edges: FlowEdge[];
}

/** Why a connection is refused, as a sentence; null when it is fine. */
export function connectionProblem(connection: Connection | FlowEdge, ctx: ConnectionContext): string | null {
  const { source, target } = connection;
  const handle = connection.sourceHandle ?? "next";
  if (!source || !target) return "Connect an output to a step.";
  if (source === target) return "A step cannot lead to itself.";
  const from = ctx.nodeById(source);
  const to = ctx.nodeById(target);
  if (!from || !to) return "That step no longer exists.";
  const toType = ctx.typeOf(to.type ?? "");
  if (toType && !toType.accepts_input) return `Nothing can connect into ${toType.label}.`;
  const outputs = outputsFor(ctx.typeOf(from.type ?? ""), from.data);
  if (!outputs.some((o) => o.id === handle)) return "That output does not exist any more.";
  const taken = ctx.edges.some((e) => e.source === source && (e.sourceHandle ?? "next") === handle);
  if (taken) return "That output is already connected: an output leads to one step. Delete its connection first.";
  return null;
}

/** An edge id that is not taken yet, readable in exports. */
export function newEdgeId(source: string, handle: string, edges: FlowEdge[]): string {
  const taken = new Set(edges.map((e) => e.id));
  const base = `e_${source}_${handle}`.replace(/[^A-Za-z0-9_:-]/g, "_");
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}
