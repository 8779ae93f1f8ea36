// /builder/flows/{id}/: load the flow and the node types, then the editor.
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/client";
import type { Flow, NodeTypeInfo } from "../api/types";
import { Editor } from "../canvas/Editor";
import { fromGraph } from "../canvas/graph";
import { withSizes } from "../canvas/sizes";
import { Icon } from "../ui/icons";

export function EditorPage({ data }: { data: Promise<[Flow, NodeTypeInfo[]]> }) {
  const [flow, setFlow] = useState<Flow | null>(null);
  const [types, setTypes] = useState<NodeTypeInfo[] | null>(null);
  const initial = useMemo(() => {
    if (!flow || !types) return null;
    const graph = fromGraph(flow.graph);
    // Sizes worked out from the text: React Flow draws nodes and edges at once, without measuring the DOM first.
    const typeMap = new Map(types.map((t) => [t.type, t]));
    const problems = new Map<string, number>();
    for (const p of flow.problems ?? []) {
      if (p.node_id && (!p.edge_id || p.field)) problems.set(p.node_id, (problems.get(p.node_id) ?? 0) + 1);
    }
    return { ...graph, nodes: withSizes(graph.nodes, (key) => typeMap.get(key), (id) => problems.get(id) ?? 0) };
  }, [flow, types]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    data
      .then(([f, t]) => {
        if (!live) return;
        performance.mark("builder:loaded"); // the flow and node types are here (the benchmark reads these marks)
        setFlow(f);
        setTypes(t);
        document.title = `${f.name} · Flow builder`;
      })
      .catch((exc) => live && setError(errorMessage(exc)));
    return () => {
      live = false;
    };
  }, [data]);

  if (error) {
    return (
      <div className="page-message">
        <Icon name="alert" size={28} />
        <h1>This flow could not be opened</h1>
        <p>{error}</p>
        <a className="btn" href="/builder/">
          Back to all flows
        </a>
      </div>
    );
  }
  if (!flow || !types || !initial) {
    return (
      <div className="page-message" aria-busy="true">
        <div className="spinner" aria-hidden="true" />
        <p className="muted">Opening the flow…</p>
      </div>
    );
  }
  return (
    // The store starts with the nodes, so they mount with the canvas in one go rather than arriving one by one
    // into a live list (which makes React's insertion quadratic: seconds for a thousand nodes).
    <ReactFlowProvider initialNodes={initial.nodes} initialEdges={initial.edges}>
      <Editor flow={flow} types={types} initial={initial} />
    </ReactFlowProvider>
  );
}
