// The small list a node's "+" opens: pick the step to add after that output; it comes connected to it.
import "./StepPicker.css";
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import type { NodeTypeInfo } from "../api/types";
import { Icon, typeColour } from "../ui/icons";

const WIDTH = 260;

interface Props {
  types: NodeTypeInfo[];
  anchor: { left: number; right: number; top: number; bottom: number };
  onPick: (type: string) => void;
  onClose: () => void;
}

export function StepPicker({ types, anchor, onPick, onClose }: Props) {
  const [query, setQuery] = useState("");
  const box = useRef<HTMLDivElement>(null);
  // Steps that can follow another: a Start cannot (it takes no input).
  const choices = useMemo(() => {
    const q = query.trim().toLowerCase();
    return types.filter((t) => t.accepts_input !== false && (!q || `${t.label} ${t.description} ${t.category}`.toLowerCase().includes(q)));
  }, [types, query]);

  useEffect(() => {
    function outside(event: PointerEvent) {
      if (box.current && !box.current.contains(event.target as Node)) onClose();
    }
    document.addEventListener("pointerdown", outside, true);
    return () => document.removeEventListener("pointerdown", outside, true);
  }, [onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.preventDefault(); // not also the editor's Escape (which closes the settings)
      event.stopPropagation();
      onClose();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const items = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("button.step-choice")];
      const index = items.indexOf(document.activeElement as HTMLButtonElement);
      event.preventDefault();
      items[(index + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
    } else if (event.key === "Enter" && (event.target as HTMLElement).tagName === "INPUT" && choices.length) {
      event.preventDefault();
      onPick(choices[0].type);
    }
  }

  // Beside the "+", inside the window: to its left when there is no room on its right.
  const left = anchor.right + 8 + WIDTH > window.innerWidth ? Math.max(8, anchor.left - 8 - WIDTH) : anchor.right + 8;
  const top = Math.max(8, Math.min(anchor.top - 12, window.innerHeight - 340));

  return (
    <div className="step-picker panel-card" role="dialog" aria-label="Add a step" ref={box} style={{ left, top, width: WIDTH }} onKeyDown={onKeyDown}>
      <label className="sr-only" htmlFor="step-picker-search">
        Search steps
      </label>
      <input
        id="step-picker-search"
        className="fb-input"
        type="search"
        placeholder="Add a step…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoFocus
      />
      <ul>
        {choices.map((t) => (
          <li key={t.type}>
            <button
              type="button"
              className="step-choice"
              data-node-type={t.type}
              style={{ ["--accent" as string]: typeColour(t.type, t.category) }}
              onClick={() => onPick(t.type)}
            >
              <span className="type-icon palette-icon">
                <Icon name={t.icon} size={14} />
              </span>
              {t.label}
            </button>
          </li>
        ))}
        {choices.length ? null : <li className="fb-empty">No step matches “{query}”.</li>}
      </ul>
    </div>
  );
}
