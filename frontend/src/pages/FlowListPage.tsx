// /builder/: every flow, with create, rename, duplicate, delete, import from a file and export to one.
import "./ListPage.css";
import { type ChangeEvent, type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { FlowListItem } from "../api/types";
import { boot } from "../boot";
import { can, NEEDS, permissions } from "../canvas/access";
import { Dialog } from "../ui/Dialog";
import { downloadBlob } from "../ui/download";
import { formatDate, timeAgo } from "../ui/format";
import { Icon } from "../ui/icons";
import { ToastRegion, useToast } from "../ui/Toast";

type Modal = { kind: "new" } | { kind: "rename"; flow: FlowListItem } | { kind: "delete"; flow: FlowListItem } | null;

function NameForm({ initial, submitLabel, onSubmit, onCancel }: {
  initial: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setError("Give the flow a name.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(name.trim());
    } catch (exc) {
      setError(errorMessage(exc));
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} className="stack">
      <div className="fb-field">
        <label className="fb-label" htmlFor="flow-name">
          Name
        </label>
        <input
          id="flow-name"
          className="fb-input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={200}
          autoFocus
          placeholder="e.g. Lead capture"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "flow-name-error" : undefined}
        />
        {error ? (
          <p id="flow-name-error" className="fb-field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

export function FlowListPage() {
  const [flows, setFlows] = useState<FlowListItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const [toast, showToast, dismissToast] = useToast();
  const fileInput = useRef<HTMLInputElement>(null);
  const user = boot().user;
  const urls = boot().urls;
  // What this user's roles allow: the rest is hidden (row actions) or disabled with the role it needs.
  const [held] = useState(permissions);
  const canAdd = can("flows.add_flow", held);
  const canChange = can("flows.change_flow", held);
  const canDelete = can("flows.delete_flow", held);

  const load = useCallback(() => {
    api
      .flows()
      .then((list) => {
        setFlows(list);
        setLoadError(null);
      })
      .catch((exc) => setLoadError(errorMessage(exc)));
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  async function create(name: string) {
    const flow = await api.createFlow(name);
    window.location.assign(`/builder/flows/${flow.id}/`);
  }

  async function rename(flow: FlowListItem, name: string) {
    const updated = await api.renameFlow(flow.id, name);
    setFlows((list) => list?.map((f) => (f.id === flow.id ? { ...f, name: updated.name } : f)) ?? null);
    setModal(null);
    showToast(`Renamed to “${updated.name}”.`, "success");
  }

  async function duplicate(flow: FlowListItem) {
    try {
      const copy = await api.duplicateFlow(flow.id);
      showToast(`Created “${copy.name}”.`, "success");
      load();
    } catch (exc) {
      showToast(`Could not duplicate: ${errorMessage(exc)}`, "error");
    }
  }

  async function remove(flow: FlowListItem) {
    try {
      await api.deleteFlow(flow.id);
      setFlows((list) => list?.filter((f) => f.id !== flow.id) ?? null);
      setModal(null);
      showToast(`Deleted “${flow.name}”.`, "success");
    } catch (exc) {
      setModal(null);
      showToast(`Could not delete: ${errorMessage(exc)}`, "error");
    }
  }

  async function exportFlow(flow: FlowListItem) {
    try {
      const file = await api.exportFlow(flow.id);
      downloadBlob(file.blob, file.filename);
    } catch (exc) {
      showToast(`Could not export: ${errorMessage(exc)}`, "error");
    }
  }

  async function importFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      showToast(`“${file.name}” is not a flow file: it is not JSON.`, "error");
      return;
    }
    try {
      const flow = await api.importFlow(document);
      showToast(`Imported “${flow.name}”.`, "success");
      load();
    } catch (exc) {
      showToast(`Could not import “${file.name}”: ${errorMessage(exc)}`, "error");
    }
  }

  return (
    <div className="list-page">
      <header className="list-top">
        <div className="brand">
          <span className="brand-mark">
            <Icon name="flow" size={20} />
          </span>
          Flow builder
        </div>
        <div className="spacer" />
        <span className="muted" data-testid="user-roles">
          {user?.name}
          {user?.roles?.length ? ` · ${user.roles.join(", ")}` : ""}
        </span>
        {user?.permissions?.includes("flows.answer_conversation") || user?.is_superuser ? (
          <a className="btn btn-ghost btn-small" href={urls?.inbox ?? "/builder/inbox/"}>
            Inbox
          </a>
        ) : null}
        <a className="btn btn-ghost btn-small" href={urls?.admin ?? "/admin/"}>
          Admin
        </a>
        <form method="post" action={urls?.logout ?? "/admin/logout/"}>
          <input type="hidden" name="csrfmiddlewaretoken" value={boot().csrfToken} />
          <button type="submit" className="btn btn-ghost btn-small">
            <Icon name="logout" size={15} /> Log out
          </button>
        </form>
      </header>
      <main className="list-main">
        <div className="list-head">
          <div>
            <h1>Your chatbot flows</h1>
            <p className="muted">Build a flow on the canvas, try it in the preview, then publish it for your website or app.</p>
          </div>
          <div className="list-actions">
            {canAdd ? (
              <label className="btn btn-secondary file-button">
                <Icon name="upload" size={16} />
                <span>Import flow</span>
                <input ref={fileInput} type="file" accept=".json,application/json" aria-label="Import flow" onChange={(e) => void importFile(e)} />
              </label>
            ) : null}
            <span className="role-gate" title={canAdd ? undefined : NEEDS["flows.add_flow"]}>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => setModal({ kind: "new" })}
                disabled={!canAdd}
                aria-description={canAdd ? undefined : NEEDS["flows.add_flow"]}
              >
                <Icon name="plus" size={16} /> New flow
              </button>
            </span>
          </div>
        </div>

        {loadError ? (
          <div className="notice is-error" role="alert">
            <p>{loadError}</p>
            <button type="button" className="btn btn-small" onClick={load}>
              Try again
            </button>
          </div>
        ) : null}
        {flows === null && !loadError ? <p className="muted">Loading…</p> : null}
        {flows?.length === 0 ? (
          <div className="empty-state">
            <Icon name="flow" size={40} />
            <h2>No flows yet</h2>
            <p className="muted">A flow is a conversation your bot has: what it says, what it asks, and where each answer leads.</p>
            {canAdd ? (
              <button type="button" className="btn btn-primary" onClick={() => setModal({ kind: "new" })}>
                <Icon name="plus" size={16} /> Create your first flow
              </button>
            ) : (
              <p className="muted">{NEEDS["flows.add_flow"]}.</p>
            )}
          </div>
        ) : null}
        {flows && flows.length ? (
          <table className="flow-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Last changed</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {flows.map((flow) => {
                const errors = flow.problems.filter((p) => p.severity === "error").length;
                return (
                  <tr key={flow.id} data-testid="flow-row" data-flow-id={flow.id}>
                    <td>
                      <a className="flow-link" id={`flow-name-${flow.id}`} href={`/builder/flows/${flow.id}/`}>
                        {flow.name}
                      </a>
                      <div className="muted small">/{flow.slug}</div>
                    </td>
                    <td>
                      {flow.published_version ? (
                        <span className="pill pill-live">Live · v{flow.published_version}</span>
                      ) : (
                        <span className="pill">Draft</span>
                      )}
                      {errors ? <span className="pill pill-error">{errors} to fix</span> : null}
                    </td>
                    <td>
                      <time dateTime={flow.updated_at} title={formatDate(flow.updated_at)}>
                        {timeAgo(flow.updated_at)}
                      </time>
                      {flow.owner ? <div className="muted small">by {flow.owner}</div> : null}
                    </td>
                    <td className="row-actions">
                      {canChange ? (
                        <button type="button" className="btn btn-small btn-ghost" aria-describedby={`flow-name-${flow.id}`} onClick={() => setModal({ kind: "rename", flow })}>
                          <Icon name="pencil" size={14} />
                          Rename
                        </button>
                      ) : null}
                      {canAdd ? (
                        <button type="button" className="btn btn-small btn-ghost" aria-describedby={`flow-name-${flow.id}`} onClick={() => void duplicate(flow)}>
                          <Icon name="copy" size={14} />
                          Duplicate
                        </button>
                      ) : null}
                      <button type="button" className="btn btn-small btn-ghost" aria-describedby={`flow-name-${flow.id}`} onClick={() => void exportFlow(flow)}>
                        <Icon name="download" size={14} />
                        Export
                      </button>
                      {canDelete ? (
                        <button type="button" className="btn btn-small btn-danger-ghost" aria-describedby={`flow-name-${flow.id}`} onClick={() => setModal({ kind: "delete", flow })}>
                          <Icon name="trash" size={14} />
                          Delete
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </main>

      <Dialog open={modal?.kind === "new"} title="New flow" onClose={() => setModal(null)}>
        <p className="muted">You can change the name later.</p>
        <NameForm initial="" submitLabel="Create" onSubmit={create} onCancel={() => setModal(null)} />
      </Dialog>
      <Dialog open={modal?.kind === "rename"} title="Rename flow" onClose={() => setModal(null)}>
        {modal?.kind === "rename" ? (
          <NameForm initial={modal.flow.name} submitLabel="Save" onSubmit={(name) => rename(modal.flow, name)} onCancel={() => setModal(null)} />
        ) : null}
      </Dialog>
      <Dialog open={modal?.kind === "delete"} title="Delete this flow?" onClose={() => setModal(null)}>
        {modal?.kind === "delete" ? (
          <div className="stack">
            <p>
              “{modal.flow.name}” will be deleted with its published versions and conversations. Chat widgets using it
              stop working. This cannot be undone.
            </p>
            <div className="dialog-actions">
              <button type="button" className="btn btn-ghost" onClick={() => setModal(null)} autoFocus>
                Cancel
              </button>
              <button type="button" className="btn btn-danger" onClick={() => void remove(modal.flow)}>
                Delete flow
              </button>
            </div>
          </div>
        ) : null}
      </Dialog>
      <ToastRegion toast={toast} onDismiss={dismissToast} />
    </div>
  );
}
