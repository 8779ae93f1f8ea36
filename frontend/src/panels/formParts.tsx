// The settings form's parts for @rjsf/core: templates (labels, errors with role="alert", lists) and the widgets
// named by the schema's x-widget hints (template, textarea, variable, credential, hook, choices, keyvalue); a template
// field with `x-suggest: "teams"` also offers the teams kept in admin.
import "./formParts.css";
import {
  type ArrayFieldItemTemplateProps,
  type ArrayFieldTemplateProps,
  ariaDescribedByIds,
  type DescriptionFieldProps,
  type ErrorSchema,
  type FieldErrorProps,
  type FieldProps,
  type FieldTemplateProps,
  getUiOptions,
  type IconButtonProps,
  type ObjectFieldTemplateProps,
  type RegistryFieldsType,
  type RegistryWidgetsType,
  type TemplatesType,
  type WidgetProps,
} from "@rjsf/utils";
import { useEffect, useId, useState } from "react";
import { api } from "../api/endpoints";
import type { Credential, IntegrationTemplate } from "../api/types";
import { matchTemplates } from "../canvas/integrationTemplate";
import { boot } from "../boot";
import type { VariableChoices } from "../canvas/variables";
import { Icon } from "../ui/icons";
import { TeamOptions, useTeams } from "./TeamSuggestions";
import { TemplateInput } from "./TemplateInput";

export interface FormContext {
  variables: VariableChoices;
  allVariables: string[];
  flowId: number;
  /** Whether an output handle of the node being edited is connected (a connected choice keeps its id). */
  handleConnected: (handleId: string) => boolean;
  /** The integration catalog, for the `template` node's picker (null while it loads). */
  templates?: IntegrationTemplate[] | null;
  templatesError?: string | null;
}

const noVariables: VariableChoices = { before: [], elsewhere: [] };

function context(props: { registry: { formContext?: unknown } }): FormContext {
  return (props.registry.formContext as FormContext | undefined) ?? {
    variables: noVariables,
    allVariables: [],
    flowId: 0,
    handleConnected: () => false,
  };
}

function errorsOf(schema: ErrorSchema | undefined): string[] {
  return ((schema as { __errors?: string[] } | undefined)?.__errors ?? []).filter(Boolean);
}

function FieldErrors({ id, errors }: { id: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <div id={id} className="fb-field-error" role="alert">
      {errors.map((e, i) => (
        <p key={i}>
          <Icon name="alert" size={14} /> {e}
        </p>
      ))}
    </div>
  );
}

// Templates

function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, displayLabel, rawDescription, errors, children, hidden, classNames } = props;
  if (hidden) return <div hidden>{children}</div>;
  return (
    <div className={`fb-field ${classNames ?? ""}`}>
      {displayLabel && label ? (
        <label className="fb-label" htmlFor={id}>
          {label}
        </label>
      ) : null}
      {children}
      {displayLabel && rawDescription ? (
        <p className="fb-help" id={`${id}__description`}>
          {rawDescription}
        </p>
      ) : null}
      {errors}
    </div>
  );
}

function FieldErrorTemplate({ errors, fieldPathId }: FieldErrorProps) {
  const list = (errors ?? []).filter((e): e is string => typeof e === "string" && e.length > 0);
  return <FieldErrors id={`${fieldPathId.$id}__error`} errors={list} />;
}

function DescriptionFieldTemplate({ id, description }: DescriptionFieldProps) {
  if (!description) return null;
  return (
    <p id={id} className="fb-help">
      {description}
    </p>
  );
}

function ObjectFieldTemplate({ properties, title, fieldPathId, description }: ObjectFieldTemplateProps) {
  const path = fieldPathId.path;
  const isRoot = path.length === 0;
  const inList = typeof path[path.length - 1] === "number";
  const content = properties.filter((p) => !p.hidden).map((p) => <div key={p.name}>{p.content}</div>);
  if (isRoot || inList) return <div className="fb-object">{content}</div>;
  return (
    <fieldset className="fb-group" id={fieldPathId.$id}>
      <legend>{title}</legend>
      {description ? <p className="fb-help">{description}</p> : null}
      {content}
    </fieldset>
  );
}

function itemTitleOf(uiSchema: unknown): string {
  const options = getUiOptions((uiSchema ?? {}) as Record<string, unknown>);
  return typeof options.itemTitle === "string" ? options.itemTitle : "item";
}

function ArrayFieldTemplate(props: ArrayFieldTemplateProps) {
  const { items, canAdd, onAddClick, title, fieldPathId, uiSchema, schema, disabled, readonly } = props;
  const itemTitle = itemTitleOf(uiSchema);
  return (
    <fieldset className="fb-array" id={fieldPathId.$id}>
      <legend>{title}</legend>
      {schema.description ? <p className="fb-help">{schema.description}</p> : null}
      {items.length ? <div className="fb-array-items">{items}</div> : <p className="fb-empty">None yet.</p>}
      {canAdd ? (
        <button type="button" className="btn btn-small btn-ghost" onClick={onAddClick} disabled={disabled || readonly}>
          <Icon name="plus" size={14} /> Add {itemTitle}
        </button>
      ) : null}
    </fieldset>
  );
}

function ArrayFieldItemTemplate(props: ArrayFieldItemTemplateProps) {
  const { children, buttonsProps, index, parentUiSchema } = props;
  const itemTitle = itemTitleOf(parentUiSchema);
  const name = `${itemTitle.charAt(0).toUpperCase()}${itemTitle.slice(1)} ${index + 1}`;
  return (
    <div className="fb-array-item" role="group" aria-label={name}>
      <div className="fb-array-item-head">
        <span>{name}</span>
        {buttonsProps.hasRemove ? (
          <button
            type="button"
            className="icon-btn"
            aria-label="Remove"
            title={`Remove ${itemTitle} ${index + 1}`}
            onClick={buttonsProps.onRemoveItem}
            disabled={buttonsProps.disabled || buttonsProps.readonly}
          >
            <Icon name="trash" size={15} />
          </button>
        ) : null}
      </div>
      {children}
    </div>
  );
}

function SimpleButton(label: string, icon: string) {
  return function Button({ onClick, disabled, className }: IconButtonProps) {
    return (
      <button type="button" className={`icon-btn ${className ?? ""}`} onClick={onClick} disabled={disabled} aria-label={label} title={label}>
        <Icon name={icon} size={15} />
      </button>
    );
  };
}

export const templates: Partial<TemplatesType> = {
  FieldTemplate,
  FieldErrorTemplate,
  DescriptionFieldTemplate,
  ObjectFieldTemplate,
  ArrayFieldTemplate,
  ArrayFieldItemTemplate,
  ErrorListTemplate: () => null,
  ButtonTemplates: {
    SubmitButton: () => null,
    AddButton: SimpleButton("Add", "plus"),
    CopyButton: SimpleButton("Copy", "copy"),
    MoveDownButton: SimpleButton("Move down", "chevron-down"),
    MoveUpButton: SimpleButton("Move up", "chevron-down"),
    RemoveButton: SimpleButton("Remove", "trash"),
    ClearButton: SimpleButton("Clear", "x"),
  },
};

// Widgets

function TemplateWidget(props: WidgetProps, multiline: boolean, list?: string) {
  const { id, value, onChange, onBlur, placeholder, disabled, readonly, rawErrors, hideLabel, label } = props;
  return (
    <TemplateInput
      id={id}
      value={typeof value === "string" ? value : value === undefined || value === null ? "" : String(value)}
      onChange={(text) => onChange(text === "" ? props.options.emptyValue : text)}
      onBlur={() => onBlur(id, value)}
      multiline={multiline}
      variables={context(props).variables}
      placeholder={placeholder || (multiline ? "Type the text. {{ shows the variables" : undefined)}
      describedBy={ariaDescribedByIds(id)}
      invalid={!!rawErrors?.length}
      disabled={disabled || readonly}
      ariaLabel={hideLabel ? label : undefined}
      list={list}
    />
  );
}

/** A one-line template field that suggests the teams kept in admin (x-suggest: "teams"); any text still goes. */
function TeamTemplateWidget(props: WidgetProps) {
  const listId = useId();
  const teams = useTeams();
  return (
    <>
      {TemplateWidget(props, false, listId)}
      <TeamOptions id={listId} teams={teams} />
    </>
  );
}

function VariableWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, disabled, readonly, rawErrors, hideLabel, label, placeholder } = props;
  const listId = useId();
  const names = context(props).allVariables;
  return (
    <>
      <input
        id={id}
        type="text"
        className="fb-input fb-mono nodrag"
        value={typeof value === "string" ? value : ""}
        list={listId}
        placeholder={placeholder || "e.g. email"}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled || readonly}
        aria-invalid={rawErrors?.length ? true : undefined}
        aria-describedby={ariaDescribedByIds(id)}
        aria-label={hideLabel ? label : undefined}
        onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
        onBlur={() => onBlur(id, value)}
      />
      <datalist id={listId}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}

const credentialCache = new Map<string, Promise<Credential[]>>();

function loadCredentials(kinds: string[], fresh: boolean): Promise<Credential[]> {
  return Promise.all(
    kinds.map((kind) => {
      if (fresh || !credentialCache.has(kind)) credentialCache.set(kind, api.credentials(kind));
      return credentialCache.get(kind)!;
    }),
  ).then((lists) => lists.flat().sort((a, b) => a.name.localeCompare(b.name)));
}

function CredentialWidget(props: WidgetProps) {
  const { id, value, onChange, schema, disabled, readonly, rawErrors, required } = props;
  const kinds = (schema["x-credential-kinds"] as string[] | undefined) ?? [];
  const [list, setList] = useState<Credential[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const kindsKey = kinds.join(",");
  useEffect(() => {
    let live = true;
    loadCredentials(kindsKey ? kindsKey.split(",") : [], reload > 0)
      .then((found) => live && (setList(found), setError(null)))
      .catch((exc: Error) => live && setError(exc.message));
    return () => {
      live = false;
    };
  }, [kindsKey, reload]);
  const addBase = boot().urls?.credentialAdd ?? "/admin/integrations/credential/add/";
  // One kind wanted: admin's add form opens on that kind (it takes initial values from the query).
  const addUrl = kinds.length === 1 ? `${addBase}?kind=${encodeURIComponent(kinds[0])}` : addBase;
  const current = typeof value === "number" ? value : null;
  const missing = current !== null && list !== null && !list.some((c) => c.id === current);
  return (
    <div className="cred">
      <div className="cred-row">
        <select
          id={id}
          className="fb-input nodrag"
          value={current ?? ""}
          disabled={disabled || readonly || list === null}
          aria-invalid={rawErrors?.length ? true : undefined}
          aria-describedby={ariaDescribedByIds(id)}
          onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
        >
          <option value="">{list === null ? "Loading…" : required ? "Choose a credential…" : "None"}</option>
          {missing ? <option value={current!}>Credential #{current} (not found)</option> : null}
          {(list ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.check_status === "failed" ? " — check failed" : ""}
            </option>
          ))}
        </select>
        <button type="button" className="icon-btn" aria-label="Reload credentials" title="Reload credentials" onClick={() => setReload((n) => n + 1)}>
          <Icon name="history" size={15} />
        </button>
      </div>
      {error ? <p className="fb-help is-error">{error}</p> : null}
      {list !== null && list.length === 0 && !error ? (
        <p className="fb-help cred-empty">
          No credentials of this kind yet — <a href={addUrl} target="_blank" rel="noreferrer">add one in admin</a>.
        </p>
      ) : null}
    </div>
  );
}

const hookCache = new Map<number, Promise<string[]>>();

function HookWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, readonly, rawErrors } = props;
  const flowId = context(props).flowId;
  const listId = useId();
  const [keys, setKeys] = useState<string[]>([]);
  useEffect(() => {
    if (!flowId) return;
    if (!hookCache.has(flowId)) {
      hookCache.set(
        flowId,
        fetch(`/api/v1/flows/${flowId}/hooks/`, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : []))
          .then((rows: { key?: string }[]) => rows.map((r) => r.key ?? "").filter(Boolean))
          .catch(() => []),
      );
    }
    let live = true;
    void hookCache.get(flowId)!.then((found) => live && setKeys(found));
    return () => {
      live = false;
    };
  }, [flowId]);
  return (
    <>
      <input
        id={id}
        type="text"
        className="fb-input fb-mono nodrag"
        value={typeof value === "string" ? value : ""}
        list={listId}
        autoComplete="off"
        disabled={disabled || readonly}
        aria-invalid={rawErrors?.length ? true : undefined}
        aria-describedby={ariaDescribedByIds(id)}
        onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
      />
      <datalist id={listId}>
        {keys.map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>
    </>
  );
}

/** The `template` node's picker: the catalog by name, icon and description, searchable. */
function IntegrationTemplateWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, readonly } = props;
  const ctx = context(props);
  const [query, setQuery] = useState("");
  const all = ctx.templates;
  const current = typeof value === "string" ? value : "";
  const chosen = all?.find((t) => t.key === current);
  const [open, setOpen] = useState(!current);
  if (ctx.templatesError) return <p className="fb-help is-error">{ctx.templatesError}</p>;
  if (!all) return <p className="fb-help">Loading the integrations…</p>;
  const shown = matchTemplates(all, query);
  return (
    <div className="tpl-picker" id={id}>
      {chosen && !open ? (
        <div className="tpl-chosen">
          <span className="tpl-icon"><Icon name={chosen.icon} size={16} /></span>
          <span className="tpl-text">
            <strong>{chosen.name}</strong>
            <span className="fb-help">{chosen.description}</span>
          </span>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(true)} disabled={disabled || readonly}>
            Change
          </button>
        </div>
      ) : (
        <>
          {current && !chosen ? (
            <p className="fb-help is-error">The integration “{current}” is not in the catalog any more; pick another.</p>
          ) : null}
          <input
            type="search"
            className="fb-input nodrag"
            placeholder="Search integrations"
            aria-label="Search integrations"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <ul className="tpl-list" role="listbox" aria-label="Integrations">
            {shown.map((t) => (
              <li key={t.key}>
                <button
                  type="button"
                  role="option"
                  aria-selected={t.key === current}
                  className={`tpl-option${t.key === current ? " is-selected" : ""}`}
                  disabled={disabled || readonly}
                  onClick={() => {
                    setOpen(false);
                    if (t.key !== current) onChange(t.key);
                  }}
                >
                  <span className="tpl-icon"><Icon name={t.icon} size={16} /></span>
                  <span className="tpl-text">
                    <strong>{t.name}</strong>
                    <span className="fb-help">{t.description}</span>
                  </span>
                </button>
              </li>
            ))}
            {shown.length === 0 ? <li className="fb-empty">No integration matches “{query}”.</li> : null}
          </ul>
        </>
      )}
      {chosen?.credential ? (
        <p className="fb-help">
          Needs {chosen.credential.kind_label.toLowerCase()} credential —{" "}
          <a href={chosen.credential.add_url} target="_blank" rel="noreferrer">add one in admin</a> (pre-filled).
        </p>
      ) : null}
    </div>
  );
}

export const widgets: RegistryWidgetsType = {
  "integration-template": IntegrationTemplateWidget,
  template: (props: WidgetProps) =>
    props.schema["x-suggest"] === "teams" ? <TeamTemplateWidget {...props} /> : TemplateWidget(props, false),
  textarea: (props: WidgetProps) => TemplateWidget(props, true),
  variable: VariableWidget,
  credential: CredentialWidget,
  hook: HookWidget,
};

// Whole-field editors

interface Choice {
  id?: string;
  label?: string;
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base || "option";
  for (let n = 2; taken.has(id); n++) id = `${base || "option"}_${n}`;
  return id;
}

/** Question choices: a label each, and an id made from the first label (kept once its output is connected). */
function ChoicesField(props: FieldProps) {
  const { formData, onChange, fieldPathId, errorSchema, disabled, readonly, schema, name } = props;
  const ctx = context(props);
  const choices: Choice[] = Array.isArray(formData) ? (formData as Choice[]) : [];
  const title = schema.title ?? name;
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const baseId = fieldPathId.$id;

  useEffect(() => {
    if (focusIndex === null) return;
    document.getElementById(`${baseId}-${focusIndex}-label`)?.focus();
    setFocusIndex(null);
  }, [focusIndex, baseId]);

  function update(next: Choice[]) {
    onChange(next, fieldPathId.path);
  }

  function add() {
    const taken = new Set(choices.map((c) => c.id ?? ""));
    update([...choices, { id: uniqueId(`option_${choices.length + 1}`, taken), label: "" }]);
    setFocusIndex(choices.length);
  }

  function setLabel(index: number, label: string) {
    update(choices.map((c, i) => (i === index ? { ...c, label } : c)));
  }

  /** A choice still on its made-up id takes one from its label, unless its output is wired already. */
  function settleId(index: number) {
    const choice = choices[index];
    if (!choice || !/^option_\d+(_\d+)?$/.test(choice.id ?? "") || !choice.label?.trim()) return;
    if (ctx.handleConnected(`choice:${choice.id}`)) return;
    const taken = new Set(choices.filter((_, i) => i !== index).map((c) => c.id ?? ""));
    const id = uniqueId(slug(choice.label), taken);
    if (id !== choice.id) update(choices.map((c, i) => (i === index ? { ...c, id } : c)));
  }

  function setId(index: number, id: string) {
    update(choices.map((c, i) => (i === index ? { ...c, id } : c)));
  }

  function remove(index: number) {
    update(choices.filter((_, i) => i !== index));
  }

  return (
    <fieldset className="fb-array fb-choices" id={baseId}>
      <legend>{title}</legend>
      <p className="fb-help">Each choice gets its own output on the step, to connect where that answer leads.</p>
      {choices.length ? (
        <ol className="choice-list">
          {choices.map((choice, index) => {
            const rowErrors = errorSchema?.[index] as Record<string, ErrorSchema> | undefined;
            const labelErrors = errorsOf(rowErrors?.label);
            const idErrors = errorsOf(rowErrors?.id);
            return (
              <li key={index} className="choice-row">
                <span className="choice-num" aria-hidden="true">
                  {index + 1}
                </span>
                <div className="choice-fields">
                  <label className="sr-only" htmlFor={`${baseId}-${index}-label`}>
                    Choice {index + 1}
                  </label>
                  <input
                    id={`${baseId}-${index}-label`}
                    className="fb-input nodrag"
                    value={choice.label ?? ""}
                    placeholder="What the user can pick"
                    disabled={disabled || readonly}
                    aria-invalid={labelErrors.length ? true : undefined}
                    onChange={(e) => setLabel(index, e.target.value)}
                    onBlur={() => settleId(index)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault();
                        settleId(index);
                        add();
                      }
                    }}
                  />
                  <div className="choice-id">
                    <label htmlFor={`${baseId}-${index}-id`}>
                      <span className="sr-only">Choice </span>id<span className="sr-only"> {index + 1}</span>
                    </label>
                    <input
                      id={`${baseId}-${index}-id`}
                      className="fb-input fb-mono nodrag"
                      value={choice.id ?? ""}
                      disabled={disabled || readonly}
                      aria-invalid={idErrors.length ? true : undefined}
                      onChange={(e) => setId(index, e.target.value)}
                    />
                  </div>
                  <FieldErrors id={`${baseId}-${index}__error`} errors={[...labelErrors, ...idErrors]} />
                </div>
                <button
                  type="button"
                  className="icon-btn"
                  aria-label="Remove"
                  aria-describedby={`${baseId}-${index}-label`}
                  title={`Remove choice ${index + 1}`}
                  onClick={() => remove(index)}
                  disabled={disabled || readonly}
                >
                  <Icon name="trash" size={15} />
                </button>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="fb-empty">No choices yet.</p>
      )}
      <button type="button" className="btn btn-small btn-ghost" onClick={add} disabled={disabled || readonly}>
        <Icon name="plus" size={14} /> Add choice
      </button>
    </fieldset>
  );
}

interface Pair {
  key?: string;
  value?: string;
}

/** Headers, query parameters, form fields: rows of a name and a value (a template). */
function KeyValueField(props: FieldProps) {
  const { formData, onChange, fieldPathId, errorSchema, disabled, readonly, schema, name } = props;
  const ctx = context(props);
  const rows: Pair[] = Array.isArray(formData) ? (formData as Pair[]) : [];
  const title = schema.title ?? name;
  const baseId = fieldPathId.$id;
  const noun = title.toLowerCase().replace(/s$/, "");

  function update(next: Pair[]) {
    onChange(next, fieldPathId.path);
  }

  return (
    <fieldset className="fb-array fb-kv" id={baseId}>
      <legend>{title}</legend>
      {schema.description ? <p className="fb-help">{schema.description}</p> : null}
      {rows.length ? (
        <div className="kv-list">
          <div className="kv-head" aria-hidden="true">
            <span>Name</span>
            <span>Value</span>
          </div>
          {rows.map((row, index) => {
            const rowErrors = errorSchema?.[index] as Record<string, ErrorSchema> | undefined;
            const messages = [...errorsOf(rowErrors?.key), ...errorsOf(rowErrors?.value)];
            return (
              <div className="kv-row" key={index}>
                <input
                  id={`${baseId}-${index}-key`}
                  className="fb-input fb-mono nodrag"
                  aria-label={`${title} ${index + 1} name`}
                  value={row.key ?? ""}
                  disabled={disabled || readonly}
                  onChange={(e) => update(rows.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)))}
                />
                <TemplateInput
                  id={`${baseId}-${index}-value`}
                  ariaLabel={`${title} ${index + 1} value`}
                  value={row.value ?? ""}
                  variables={ctx.variables}
                  disabled={disabled || readonly}
                  onChange={(text) => update(rows.map((r, i) => (i === index ? { ...r, value: text } : r)))}
                />
                <button
                  type="button"
                  className="icon-btn"
                  aria-label="Remove"
                  title={`Remove ${noun} ${index + 1}`}
                  onClick={() => update(rows.filter((_, i) => i !== index))}
                  disabled={disabled || readonly}
                >
                  <Icon name="trash" size={15} />
                </button>
                <FieldErrors id={`${baseId}-${index}__error`} errors={messages} />
              </div>
            );
          })}
        </div>
      ) : (
        <p className="fb-empty">None yet.</p>
      )}
      <button type="button" className="btn btn-small btn-ghost" onClick={() => update([...rows, { key: "", value: "" }])} disabled={disabled || readonly}>
        <Icon name="plus" size={14} /> Add {noun}
      </button>
    </fieldset>
  );
}

export const fields: RegistryFieldsType = { choices: ChoicesField, keyvalue: KeyValueField };
