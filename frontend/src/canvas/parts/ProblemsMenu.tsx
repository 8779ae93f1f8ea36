// The topbar's count of problems ("2 to fix, 1 note"); open, the list, each leading to its step.
import "./ProblemsMenu.css";
import { useState } from "react";
import type { FlowNode, NodeTypeInfo, Problem } from "../../api/types";
import { Icon } from "../../ui/icons";

interface Props {
  problems: Problem[];
  nodes: FlowNode[];
  typeOf: (key: string) => NodeTypeInfo | undefined;
  onSelect: (problem: Problem) => void;
}

export function ProblemsMenu({ problems, nodes, typeOf, onSelect }: Props) {
  const [open, setOpen] = useState(false);
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  return (
    <div className="problems-menu">
      <button
        type="button"
        className={`pill-btn ${errors ? "is-error" : warnings ? "is-warning" : "is-ok"}`}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name={errors || warnings ? "alert" : "check"} size={14} />
        {errors || warnings ? `${errors ? `${errors} to fix` : ""}${errors && warnings ? ", " : ""}${warnings ? `${warnings} note${warnings === 1 ? "" : "s"}` : ""}` : "No problems"}
      </button>
      {open && problems.length ? (
        <ul className="problems-popover">
          {problems.map((p, i) => (
            <li key={i} className={`is-${p.severity}`}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  onSelect(p);
                  setOpen(false);
                }}
                disabled={!p.node_id}
              >
                {p.node_id ? <strong>{typeOf(nodes.find((n) => n.id === p.node_id)?.type ?? "")?.label ?? p.node_id}: </strong> : null}
                {p.message}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
