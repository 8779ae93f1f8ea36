// The selected node's settings: a form rendered from its type's JSON Schema, with the server's problems on
// the fields they concern.
import "./SettingsPanel.css";
import Form from "@rjsf/core";
import type { IChangeEvent } from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { memo, useEffect, useMemo, useState } from "react";
import { api } from "../api/endpoints";
import type { FlowNode, IntegrationTemplate, NodeConfig, NodeTypeInfo, Problem } from "../api/types";
import { switchTemplate, templateField, templateFormSchema } from "../canvas/integrationTemplate";
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
  /** Shown, not changeable: the user may not change the draft (`readOnly` says why). */
  readOnly?: string | null;
}

let catalog: Promise<IntegrationTemplate[]> | null = null;

/** The integration catalog, fetched once per page when a `template` node is first opened. */
function useIntegrationTemplates(wanted: boolean): { templates: IntegrationTemplate[] | null; error: string | null } {
  const [state, setState] = useState<{ templates: IntegrationTemplate[] | null; error: string | null }>({
    templates: null,
    error: null,
  });
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    catalog ??= api.integrationTemplates();
    catalog
      .then((templates) => live && setState({ templates, error: null }))
      .catch((exc: Error) => {
        catalog = null;
        if (live) setState({ templates: null, error: exc.message });
      });
    return () => {
      live = false;
    };
  }, [wanted]);
  return state;
}

function SettingsPanelView(props: Props) {
  const { node, meta, problems, variables, allVariables, flowId, handleConnected, onChange, onClose, onDelete, readOnly } = props;
  const baseSchema = meta?.config_schema;
  const data = node.data;
  const pickerField = baseSchema ? templateField(baseSchema) : null;
  const { templates: integrations, error: templatesError } = useIntegrationTemplates(!!pickerField);
  const chosenKey = pickerField ? (data[pickerField] as string | undefined) : undefined;
  const chosen = integrations?.find((t) => t.key === chosenKey);
  // A template node's form is the chosen template's: its parameters and a credential picker of its kind.
  const configSchema = useMemo(
    () => (baseSchema && pickerField ? templateFormSchema(baseSchema, chosen) : baseSchema),
    [baseSchema, pickerField, chosen],
  );
  const schema = useMemo(() => (configSchema ? (formSchema(configSchema, data) as RJSFSchema) : null), [configSchema, data]);
  const uiSchema = useMemo(() => (configSchema ? uiSchemaFor(configSchema) : {}), [configSchema]);
  const { errorSchema, general } = useMemo(
    () => (configSchema ? problemsToErrors(configSchema, problems) : { errorSchema: {}, general: problems }),
    [configSchema, problems],
  );
  const formContext: FormContext = useMemo(
    () => ({ variables, allVariables, flowId, handleConnected, templates: integrations, templatesError }),
    [variables, allVariables, flowId, handleConnected, integrations, templatesError],
  );
  const hasFields = !!schema && Object.keys(schema.properties ?? {}).length > 0;

  function handleChange(event: IChangeEvent) {
    if (!configSchema) return;
    let config = formToConfig(event.formData);
    if (pickerField && config[pickerField] !== data[pickerField]) {
      const next = integrations?.find((t) => t.key === config[pickerField]);
      if (next) config = switchTemplate(config, next, chosen);
    }
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
            key={`${node.id}:${chosenKey ?? ""}`}
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
            disabled={!!readOnly}
          />
        ) : meta ? (
          <p className="fb-empty">This step has nothing to set up. Connect its output to the step that comes next.</p>
        ) : null}
      </div>
      <footer className="settings-foot">
        {readOnly ? (
          <p className="muted read-only-note">{readOnly}.</p>
        ) : (
          <button type="button" className="btn btn-danger-ghost" onClick={() => onDelete(node.id)}>
            <Icon name="trash" size={15} /> Delete step
          </button>
        )}
      </footer>
    </aside>
  );
}

export const SettingsPanel = memo(SettingsPanelView);
