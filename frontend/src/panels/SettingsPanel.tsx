// The selected node's settings: a form rendered from its type's JSON Schema, with the server's problems on
// the fields they concern.
import Form from "@rjsf/core";
import type { IChangeEvent } from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { memo, useMemo } from "react";
import type { FlowNode, NodeConfig, NodeTypeInfo, Problem } from "../api/types";
import { formSchema, formToConfig, problemsToErrors, sameConfig, uiSchemaFor } from "../canvas/form";
import type { VariableChoices } from "../canvas/variables";
import { Icon, typeColour } from "../ui/icons";
import { type FormContext, fields, templates, widgets } from "./formParts";

interface Props {
  node: FlowNode;
  meta: NodeTypeInfo | undefined;
  problems: Problem[];
  variables: VariableChoices;
  allVariables: string[];
  flowId: number;
  handleConnected: (handleId: string) => boolean;
  onChange: (id: string, data: NodeConfig) => void;
  onClose: () => void;
  onDelete: (id: string) => void;
}

function SettingsPanelView(props: Props) {
  const { node, meta, problems, variables, allVariables, flowId, handleConnected, onChange, onClose, onDelete } = props;
  const configSchema = meta?.config_schema;
  const data = node.data;
  const schema = useMemo(() => (configSchema ? (formSchema(configSchema, data) as RJSFSchema) : null), [configSchema, data]);
  const uiSchema = useMemo(() => (configSchema ? uiSchemaFor(configSchema) : {}), [configSchema]);
  const { errorSchema, general } = useMemo(
    () => (configSchema ? problemsToErrors(configSchema, problems) : { errorSchema: {}, general: problems }),
    [configSchema, problems],
  );
  const formContext: FormContext = useMemo(
    () => ({ variables, allVariables, flowId, handleConnected }),
    [variables, allVariables, flowId, handleConnected],
  );
  const hasFields = !!schema && Object.keys(schema.properties ?? {}).length > 0;

  function handleChange(event: IChangeEvent) {
    if (!configSchema) return;
    const config = formToConfig(event.formData);
    if (!sameConfig(configSchema, config, node.data)) onChange(node.id, config);
  }

  const colour = typeColour(node.type ?? "", meta?.category);
  return (
    <aside className="settings panel-card" aria-label="Node settings" style={{ ["--accent" as string]: colour }}>
      <header className="settings-head">
        <span className="settings-icon">
          <Icon name={meta?.icon} size={18} />
        </span>
        <div className="settings-title">
          <h2>{meta?.label ?? node.type}</h2>
          <span className="settings-id" title="Step id">
            {node.id}
          </span>
        </div>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close settings" title="Close (Esc)">
          <Icon name="x" />
        </button>
      </header>
      <div className="settings-body">
        {meta?.description ? <p className="settings-desc">{meta.description}</p> : null}
        {!meta ? (
          <p className="notice is-error" role="alert">
            This step's type “{node.type}” is not installed on this server, so it cannot be edited or run.
          </p>
        ) : null}
        {general.length ? (
          <ul className="problem-list" role="alert" aria-label="Problems with this step">
            {general.map((p, i) => (
              <li key={i} className={`is-${p.severity}`}>
                <Icon name="alert" size={14} /> {p.message}
              </li>
            ))}
          </ul>
        ) : null}
        {schema && hasFields ? (
          <Form
            key={node.id}
            schema={schema}
            uiSchema={uiSchema}
            formData={data}
            validator={validator}
            onChange={handleChange}
            extraErrors={errorSchema}
            noValidate
            showErrorList={false}
            widgets={widgets}
            fields={fields}
            templates={templates}
            formContext={formContext}
            idPrefix={`cfg-${node.id}`}
            className="fb-form"
            onSubmit={() => undefined}
          />
        ) : meta ? (
          <p className="fb-empty">This step has nothing to set up. Connect its output to the step that comes next.</p>
        ) : null}
      </div>
      <footer className="settings-foot">
        <button type="button" className="btn btn-danger-ghost" onClick={() => onDelete(node.id)}>
          <Icon name="trash" size={15} /> Delete step
        </button>
      </footer>
    </aside>
  );
}

export const SettingsPanel = memo(SettingsPanelView);
