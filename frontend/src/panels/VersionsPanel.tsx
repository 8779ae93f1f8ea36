// Published versions, newest first: who published each, when, and their note; any can be restored into the draft.
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { Version } from "../api/types";
import { formatDate, timeAgo } from "../ui/format";
import { SidePanel } from "./SidePanel";

interface Props {
  flowId: number;
  refreshKey: number;
  onRestore: (number: number) => Promise<void>;
  onClose: () => void;
  /** Why this user may not restore (their role), or null when they may. */
  restoreRefused?: string | null;
}

export function VersionsPanel({ flowId, refreshKey, onRestore, onClose, restoreRefused = null }: Props) {
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    api
      .versions(flowId)
      .then((list) => live && setVersions([...list].sort((a, b) => b.number - a.number)))
      .catch((exc) => live && setError(errorMessage(exc)));
    return () => {
      live = false;
    };
  }, [flowId, refreshKey]);

  async function restore(number: number) {
    setRestoring(number);
    try {
      await onRestore(number);
    } finally {
      setRestoring(null);
    }
  }

  return (
    <SidePanel
      title="Versions"
      help="Conversations run on the latest published version. Restoring one copies it into the draft."
      onClose={onClose}
      error={error}
      loading={versions === null}
      empty={
        versions?.length === 0
          ? { icon: "rocket", text: "Nothing published yet.", help: "Publish the draft to create version 1; chat widgets then talk to it." }
          : null
      }
    >
      <ul className="version-list">
        {versions?.map((v, index) => (
          <li key={v.number} className="version-row" data-testid="version-row">
            <div className="version-main">
              <span className="version-number">
                Version {v.number}
                {index === 0 ? <span className="pill pill-live">Live</span> : null}
              </span>
              <span className="muted">
                {v.published_by ? `by ${v.published_by}` : "by someone no longer here"} ·{" "}
                <time dateTime={v.published_at} title={formatDate(v.published_at)}>
                  {timeAgo(v.published_at)}
                </time>
              </span>
              {v.note ? (
                <p className="version-note" data-testid="version-note">
                  {v.note}
                </p>
              ) : null}
            </div>
            <span className="role-gate" title={restoreRefused ?? undefined}>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void restore(v.number)}
                disabled={restoring !== null || !!restoreRefused}
                aria-label={`Restore version ${v.number}`}
                aria-description={restoreRefused ?? undefined}
              >
                {restoring === v.number ? "Restoring…" : "Restore"}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </SidePanel>
  );
}
