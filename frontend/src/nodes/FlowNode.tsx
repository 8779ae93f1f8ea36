// The one node component: every type is drawn from its metadata (icon, label, outputs) and its config.
import "./FlowNode.css";
import "./lite.css";
import { Handle, type NodeProps, type NodeTypes, Position, useStore, useUpdateNodeInternals } from "@xyflow/react";
import { memo, useDeferredValue, useEffect, useMemo, useRef } from "react";
import type { FlowNode, OutputInfo } from "../api/types";
import { useEditor } from "../canvas/context";
import { handlesKey, outputsFor } from "../canvas/handles";
import { useView } from "../canvas/runtime";
import { formatDuration } from "../canvas/trace";
import { Icon, typeColour } from "../ui/icons";
import { bodyText, nodeTitle, outputLabel, savesText, summarize } from "./text";

/** Handles move when outputs come and go (a choice added): React Flow must measure them again. Only types whose
 * outputs depend on their config have one, so a thousand fixed nodes open without it. A light card has no handles
 * to measure: a change made meanwhile is measured once the node is drawn in full again. */
function HandleWatcher({ id, handles, lite }: { id: string; handles: string; lite: boolean }) {
  const updateNodeInternals = useUpdateNodeInternals();
  const first = useRef(handles);
  useEffect(() => {
    if (!lite && handles !== first.current) {
      first.current = handles;
      updateNodeInternals(id);
    }
  }, [id, handles, lite, updateNodeInternals]);
  return null;
}

/** "+" beside a free output of the selected node (drawn only then: one store subscription, not a thousand): opens the
 * list of steps to add and connect there. */
function AddButton({ id, output, single }: { id: string; output: OutputInfo; single: boolean }) {
  const editor = useEditor();
  const used = useStore((s) => s.edges.some((e) => e.source === id && (e.sourceHandle ?? "next") === output.id));
  if (used) return null;
  return (
    <button
      type="button"
      className={`fnode-add nodrag nopan${single ? " is-single" : ""}`}
      aria-label={single ? "Add a step after this one" : `Add a step after ${outputLabel(output.label)}`}
      title="Add a step here, connected"
      onClick={(event) => {
        event.stopPropagation();
        editor.openStepPicker(id, output.id, event.currentTarget.getBoundingClientRect());
      }}
    >
      <Icon name="plus" size={12} />
    </button>
  );
}

const STATUS_TEXT = { running: "Running…", succeeded: "Done", failed: "Failed" } as const;
const NO_OUTPUTS: OutputInfo[] = [];

function FlowNodeView({ id, type, data, selected, height }: NodeProps<FlowNode>) {
  const editor = useEditor();
  const meta = editor.typeOf(type);
  // Zoomed far out (where words are not drawn: styles.css, .canvas.is-far) a node that is not selected is a light
  // card: its box, colours, run state and problem count, without handles, words or icons (a thousand nodes open
  // and pan with a third of the elements and none of the handles' store subscriptions). It keeps the size React
  // Flow measured (--node-height), so its edges stay where they were; only a measured node is drawn light, so a new
  // one is measured with its handles first. The switch is deferred: crossing the zoom threshold re-renders every
  // node, in the background instead of in the zoom's frame.
  const far = useDeferredValue(useStore(editor.isFar));
  const lite = far && !selected && height !== undefined;
  const outputs = useMemo(() => (lite && !meta?.dynamic_outputs ? NO_OUTPUTS : outputsFor(meta, data)), [lite, meta, data]);
  const summary = useMemo(() => (lite ? "" : summarize(meta, data)), [lite, meta, data]);
  const saves = useMemo(() => (lite ? "" : savesText(meta, data)), [lite, meta, data]);
  const view = useView(editor.nodeViews, id);
  const run = view?.run;
  const problems = view?.problems;

  const status = run?.status ?? "idle";
  const errors = problems?.filter((p) => p.severity === "error").length ?? 0;
  const count = problems?.length ?? 0;
  const single = outputs.length === 1 && outputs[0].id === "next";
  const colour = typeColour(type, meta?.category);
  const adding = selected && editor.canEdit;
  const badge = count ? (
    <span
      className={`fnode-badge ${errors ? "is-error" : "is-warning"}`}
      title={problems!.map((p) => p.message).join("\n")}
      aria-label={`${count} problem${count === 1 ? "" : "s"}: ${problems!.map((p) => p.message).join("; ")}`}
    >
      {count}
    </span>
  ) : null;
  const watcher = meta?.dynamic_outputs ? <HandleWatcher id={id} handles={handlesKey(outputs)} lite={lite} /> : null;
  const className = `fnode status-${status}${selected ? " is-selected" : ""}${count ? (errors ? " has-errors" : " has-warnings") : ""}`;
  const style = { ["--accent" as string]: colour, ["--node-height" as string]: height ? `${height}px` : undefined };

  // What tests and the run lighting find a step by, the same whether it is drawn in full or as a light card.
  const attrs = {
    "data-testid": `node-${id}`,
    "data-node-type": type,
    "data-status": status,
    "data-problems": count || undefined,
    style,
  };

  if (lite) {
    return (
      <div {...attrs} className={`${className} fnode-lite`}>
        {watcher}
        {badge ? <div className="fnode-head">{badge}</div> : null}
      </div>
    );
  }

  return (
    <div {...attrs} className={className}>
      {watcher}
      {meta?.accepts_input === false ? null : <Handle type="target" position={Position.Left} className="fnode-in" />}
      <div className="fnode-head">
        <span className="type-icon fnode-icon">
          <Icon name={meta?.icon} size={16} />
        </span>
        <span className="fnode-title">{nodeTitle(meta, type)}</span>
        {badge}
      </div>
      <div className={`fnode-body${summary ? "" : " is-empty"}`}>
        {bodyText(meta, summary)}
      </div>
      {saves ? (
        <div className="fnode-saves" title="Saves to these variables">
          {saves}
        </div>
      ) : null}
      {status !== "idle" ? (
        <div className={`fnode-run run-${status}`}>
          <span className="dot" aria-hidden="true" />
          {STATUS_TEXT[status]}
          {run?.durationMs !== null && run?.durationMs !== undefined ? (
            <span className="fnode-duration">{formatDuration(run.durationMs)}</span>
          ) : null}
        </div>
      ) : null}
      {single ? (
        <>
          <Handle type="source" id="next" position={Position.Right} className="fnode-out" />
          {adding ? <AddButton id={id} output={outputs[0]} single /> : null}
        </>
      ) : outputs.length ? (
        <div className="fnode-outputs">
          {outputs.map((o) => (
            <div className={`fnode-output out-${o.id.replace(/[^a-z0-9]/gi, "-")}`} key={o.id}>
              <span className="fnode-output-label">{outputLabel(o.label)}</span>
              <Handle type="source" id={o.id} position={Position.Right} className="fnode-out" />
              {adding ? <AddButton id={id} output={o} single={false} /> : null}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export const GenericNode = memo(FlowNodeView);

/** Every type key draws the generic node: defined once, so React Flow never sees a new nodeTypes object. */
export const nodeTypes: NodeTypes = new Proxy({} as NodeTypes, {
  get: (_target, key) => (typeof key === "string" ? GenericNode : undefined),
  has: () => true,
});
