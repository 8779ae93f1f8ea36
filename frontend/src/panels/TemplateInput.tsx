// A text field for templates: typing `{{` offers the variables saved before this step (a combobox, as ARIA
// describes it), and a button lists them for those who do not know the braces.
import { type ChangeEvent, type KeyboardEvent, useId, useMemo, useRef, useState } from "react";
import { applyCompletion, completionAt, matchVariables, type VariableChoices } from "../canvas/variables";
import { Icon } from "../ui/icons";

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  multiline?: boolean;
  variables: VariableChoices;
  placeholder?: string;
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
  ariaLabel?: string;
  /** A <datalist>'s id: its values are offered too, as the browser offers them (single-line fields). */
  list?: string;
}

export function TemplateInput(props: Props) {
  const { id, value, onChange, multiline, variables, placeholder, describedBy, invalid, disabled, ariaLabel } = props;
  const listId = useId();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [token, setToken] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const options = useMemo(() => (token ? matchVariables(variables, token.query) : []), [token, variables]);
  const open = token !== null && options.length > 0;

  function look(text: string, caret: number | null) {
    const found = caret === null ? null : completionAt(text, caret);
    setToken(found);
    setActive(0);
  }

  function handleChange(event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) {
    onChange(event.target.value);
    look(event.target.value, event.target.selectionStart);
  }

  function choose(name: string) {
    const element = ref.current;
    if (!element || !token) return;
    const caret = element.selectionStart ?? value.length;
    const next = applyCompletion(value, caret, token.start, name);
    onChange(next.text);
    setToken(null);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(next.caret, next.caret);
    });
  }

  function insertBraces() {
    const element = ref.current;
    if (!element) return;
    const caret = element.selectionStart ?? value.length;
    const text = value.slice(0, caret) + "{{ " + value.slice(caret);
    onChange(text);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(caret + 3, caret + 3);
      setToken({ start: caret, query: "" });
      setActive(0);
    });
  }

  function handleKeyDown(event: KeyboardEvent) {
    if (!open) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(options[active].name);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setToken(null);
    }
  }

  const shared = {
    id,
    ref,
    value,
    placeholder,
    disabled,
    onChange: handleChange,
    onKeyDown: handleKeyDown,
    onKeyUp: (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") {
        look(e.currentTarget.value, e.currentTarget.selectionStart);
      }
    },
    onBlur: () => {
      setTimeout(() => setToken(null), 150); // a click on an option lands first
      props.onBlur?.();
    },
    role: "combobox",
    "aria-label": ariaLabel,
    "aria-autocomplete": "list" as const,
    "aria-expanded": open,
    "aria-controls": listId,
    "aria-activedescendant": open ? `${listId}-${active}` : undefined,
    "aria-describedby": describedBy,
    "aria-invalid": invalid || undefined,
    className: "fb-input nodrag",
    spellCheck: multiline ? true : false,
    autoComplete: "off",
  };

  const hasVariables = variables.before.length + variables.elsewhere.length > 0;
  return (
    <div className="tpl">
      <div className="tpl-row">
        {multiline ? <textarea rows={3} {...shared} /> : <input type="text" list={props.list} {...shared} />}
        {hasVariables ? (
          <button type="button" className="tpl-insert" onClick={insertBraces} title="Insert a variable" aria-label="Insert placeholder" disabled={disabled}>
            {"{x}"}
          </button>
        ) : null}
      </div>
      <ul id={listId} role="listbox" className="tpl-options" hidden={!open} aria-label="Suggestions">
        {options.map((o, i) => (
          <li
            key={o.name}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "is-active" : undefined}
            onMouseDown={(e) => {
              e.preventDefault();
              choose(o.name);
            }}
          >
            <Icon name="variable" size={14} />
            <span className="tpl-name">{o.name}</span>
            {!o.before ? <span className="tpl-note">set elsewhere</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
