// Every registered node type, grouped by category: drag one onto the canvas, or press Enter to add it.
import "./Palette.css";
import { type KeyboardEvent, memo, useMemo, useState } from "react";
import type { NodeTypeInfo } from "../api/types";
import { Icon, typeColour } from "../ui/icons";

export const NODE_MIME = "application/x-node-type";

interface Props {
  types: NodeTypeInfo[];
  onAdd: (type: string) => void;
  open: boolean; // folded to a narrow rail when not (a tablet starts so: the canvas needs the room)
  onToggle: () => void;
}

function PaletteView({ types, onAdd, open, onToggle }: Props) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const byCategory = new Map<string, NodeTypeInfo[]>();
    for (const t of types) {
      if (q && !`${t.label} ${t.description} ${t.category}`.toLowerCase().includes(q)) continue;
      const list = byCategory.get(t.category);
      if (list) list.push(t);
      else byCategory.set(t.category, [t]);
    }
    return [...byCategory.entries()];
  }, [types, query]);

  /** Up and down move between the items, as in a list. */
  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("button.palette-item")];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (index === -1) return;
    event.preventDefault();
    items[(index + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
  }

  if (!open) {
    return (
      <aside className="palette is-folded" aria-label="Node palette">
        <button type="button" className="icon-btn palette-toggle" onClick={onToggle} aria-expanded={false} aria-label="Show steps" title="Show steps">
          <Icon name="plus" />
        </button>
      </aside>
    );
  }

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="palette-head">
        <div className="palette-title">
          <h2>Steps</h2>
          <button type="button" className="icon-btn palette-toggle" onClick={onToggle} aria-expanded aria-label="Hide steps" title="Hide steps">
            <Icon name="chevron-left" size={16} />
          </button>
        </div>
        <p className="muted">Drag a step onto the canvas, or select it and press Enter.</p>
        <div className="search">
          <Icon name="search" size={15} />
          <label className="sr-only" htmlFor="palette-search">
            Search steps
          </label>
          <input
            id="palette-search"
            type="search"
            className="fb-input"
            placeholder="Search steps"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
      </div>
      <div className="palette-groups" onKeyDown={onKeyDown}>
        {groups.length === 0 ? <p className="fb-empty">No step matches “{query}”.</p> : null}
        {groups.map(([category, items]) => (
          <section key={category} className="palette-group" aria-labelledby={`palette-cat-${category}`}>
            <h3 id={`palette-cat-${category}`}>{category}</h3>
            <ul>
              {items.map((t) => (
                <li key={t.type} className="palette-card" style={{ ["--accent" as string]: typeColour(t.type, t.category) }}>
                  <button
                    type="button"
                    className="palette-item"
                    data-node-type={t.type}
                    draggable
                    aria-describedby={`palette-desc-${t.type}`}
                    onDragStart={(event) => {
                      event.dataTransfer.setData(NODE_MIME, t.type);
                      event.dataTransfer.setData("text/plain", t.label);
                      event.dataTransfer.effectAllowed = "copyMove";
                    }}
                    onClick={() => onAdd(t.type)}
                  >
                    <span className="type-icon palette-icon">
                      <Icon name={t.icon} size={16} />
                    </span>
                    {t.label}
                  </button>
                  <p className="palette-desc" id={`palette-desc-${t.type}`}>
                    {t.description}
                  </p>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteView);
