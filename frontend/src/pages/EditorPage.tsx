// /builder/flows/{id}/: load the flow and the node types, then the editor.
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/client";
import type { Flow, NodeTypeInfo } from "../api/types";
import { Editor } from "../canvas/Editor";
import { fromGraph } from "../canvas/graph";
import { Icon } from "../ui/icons";

export function EditorPage({ data }: { data: Promise<[Flow, NodeTypeInfo[]]> }) {
  const [flow, setFlow] = useState<Flow | null>(null);
  const initial = useMemo(() => (flow ? fromGraph(flow.graph) : null), [flow]);
  const [types, setTypes] = useState<NodeTypeInfo[] | null>(null);
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
