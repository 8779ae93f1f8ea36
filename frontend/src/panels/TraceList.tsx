// Each step of the conversation on the canvas (live or replayed): its node, status and duration; a click selects
// the node and shows what the step got and gave (as the server stored it, secrets redacted).
import { memo, useEffect, useRef, useState } from "react";
import type { NodeTypeInfo } from "../api/types";
import { formatDuration, type TraceState } from "../canvas/trace";

interface Props {
  trace: TraceState;
  typeOf: (key: string) => NodeTypeInfo | undefined;
  onSelect: (nodeId: string) => void;
  emptyText: string;
}

const STATUS = { running: "running", succeeded: "succeeded", failed: "failed", idle: "" } as const;

function json(value: unknown): string {
  if (value === null || value === undefined) return "—";
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

function TraceListView({ trace, typeOf, onSelect, emptyText }: Props) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    void end.current?.scrollIntoView({ block: "nearest" });
  }, [trace.steps.length]);

  function toggle(key: string, nodeId: string) {
    onSelect(nodeId);
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }

  const failedRuns = trace.runs.filter((r) => r.status === "failed" && r.error);
  return (
    <section className="trace" aria-labelledby="trace-title">
      <h3 id="trace-title">Steps</h3>
      {trace.steps.length === 0 ? <p className="fb-empty">{emptyText}</p> : null}
      <ol aria-label="Trace" className="trace-list">
        {trace.steps.map((step, index) => {
          const label = typeOf(step.nodeType)?.label ?? step.nodeType;
          const expanded = open.has(step.key);
          const newTurn = index > 0 && trace.steps[index - 1].runId !== step.runId;
          return (
            <li key={step.key} className={`trace-step is-${step.status}${newTurn ? " new-turn" : ""}`}>
              <button
                type="button"
                className="trace-button"
                aria-expanded={expanded}
                aria-controls={`trace-detail-${index}`}
                onClick={() => toggle(step.key, step.nodeId)}
              >
                <span className="trace-dot" aria-hidden="true" />
                <span className="trace-label">{label}</span>
                <span className="trace-node">{step.nodeId}</span>
                <span className="trace-status">{STATUS[step.status]}</span>
                <span className="trace-duration">{formatDuration(step.durationMs)}</span>
              </button>
              {expanded ? (
                <div className="trace-detail" id={`trace-detail-${index}`}>
                  {step.error ? (
                    <p className="trace-error" role="alert">
                      {step.error}
                    </p>
                  ) : null}
                  <h4>Input</h4>
                  <pre>{json(step.input)}</pre>
                  <h4>Output</h4>
                  <pre>{json(step.output)}</pre>
                  {step.handle ? (
                    <p className="muted">
                      Went on through <code>{step.handle}</code>
                    </p>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {failedRuns.map((r) => (
        <p key={r.runId} className="notice is-error">
          The run failed: {r.error}
        </p>
      ))}
      <div ref={end} />
    </section>
  );
}

export const TraceList = memo(TraceListView);
