// The one edge component: lit when a run takes it, red when the server has a problem with it.
import "./FlowEdge.css";
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, type EdgeTypes, getBezierPath } from "@xyflow/react";
import { memo } from "react";
import { useEditor } from "../canvas/context";
import { useView } from "../canvas/runtime";
import { Icon } from "../ui/icons";

function FlowEdgeView(props: EdgeProps) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const editor = useEditor();
  const view = useView(editor.edgeViews, id);
  const run = view?.run;
  const problems = view?.problems;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const state = problems?.length ? "problem" : run?.taken ? "taken" : selected ? "selected" : "plain";
  return (
    <>
      <BaseEdge id={id} path={path} className={`fedge fedge-${state}`} markerEnd={`url(#fb-arrow-${state})`} />
      {selected || problems?.length ? (
        <EdgeLabelRenderer>
          <div className="fedge-tools nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {problems?.length ? (
              <span className="fedge-problem" title={problems.map((p) => p.message).join("\n")}>
                <Icon name="alert" size={14} />
              </span>
            ) : null}
            {selected ? (
              <button type="button" className="fedge-delete" aria-label="Remove link" title="Remove this link" onClick={() => editor.deleteEdge(id)}>
                <Icon name="x" size={12} />
              </button>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const GenericEdge = memo(FlowEdgeView);

export const edgeTypes: EdgeTypes = { default: GenericEdge };

/** Arrow heads for each edge state, defined once for the page. */
export function EdgeMarkers() {
  const states: [string, string][] = [
    ["plain", "var(--edge)"],
    ["selected", "var(--primary)"],
    ["taken", "var(--success)"],
    ["problem", "var(--danger)"],
  ];
  return (
    <svg className="fb-markers" aria-hidden="true" width="0" height="0">
      <defs>
        {states.map(([state, colour]) => (
          <marker
            key={state}
            id={`fb-arrow-${state}`}
            viewBox="0 0 10 10"
            refX="8"
            refY="5"
            markerUnits="userSpaceOnUse"
            markerWidth="13"
            markerHeight="13"
            orient="auto-start-reverse"
          >
            <path d="M0 0 10 5 0 10z" style={{ fill: colour }} />
          </marker>
        ))}
      </defs>
    </svg>
  );
}
