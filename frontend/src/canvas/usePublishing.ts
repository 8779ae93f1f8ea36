// Publishing the draft as a new version (with a note), and exporting the flow as a file.
import { useCallback, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { Flow, GraphDocument, Problem } from "../api/types";
import { downloadBlob } from "../ui/download";
import type { ShowToast } from "../ui/Toast";
import type { AutoSaver } from "./saver";
import type { Panel } from "./usePanels";

export function usePublishing(
  flowId: number,
  flowPublished: Flow["published_version"],
  saver: AutoSaver<GraphDocument>,
  showToast: ShowToast,
  applyProblems: (list: Problem[]) => void,
  setPanel: (panel: Panel) => void,
) {
  const [publishedVersion, setPublishedVersion] = useState<number | null>(flowPublished ?? null);
  // Bumped on each publish: the versions panel lists them again.
  const [versionsKey, setVersionsKey] = useState(0);
  const [busy, setBusy] = useState<"publish" | "export" | null>(null);
  /** The publish dialog, open with its note, or null. */
  const [publishing, setPublishing] = useState<{ note: string } | null>(null);
  const unpublishedNote = useRef(""); // kept when publishing fails, for the next try
  const publish = useCallback(async (note: string) => {
    setBusy("publish");
    // The dialog closes either way: a refusal's toast and the problems on the canvas must not sit behind it.
    setPublishing(null);
    unpublishedNote.current = note;
    try {
      if (!(await saver.flush())) {
        showToast(
          saver.inConflict
            ? "Not published: this flow was changed elsewhere. Reload it or overwrite it first."
            : "The draft could not be saved, so it was not published. Try again in a moment.",
          "error",
        );
        return;
      }
      const version = await api.publish(flowId, note.trim());
      unpublishedNote.current = "";
      setPublishedVersion(version.number);
      setVersionsKey((k) => k + 1);
      showToast(`Published version ${version.number}. New conversations use it from now on.`, "success", {
        label: "Share",
        run: () => setPanel("share"),
      });
    } catch (exc) {
      if (exc instanceof ApiError && exc.problems.length) {
        applyProblems(exc.problems);
        const n = exc.problems.filter((p) => p.severity === "error").length;
        showToast(`Not published: fix ${n} problem${n === 1 ? "" : "s"} first (marked in red on the canvas).`, "error");
      } else {
        showToast(`Not published: ${errorMessage(exc)}`, "error");
      }
    } finally {
      setBusy(null);
    }
  }, [saver, flowId, showToast, applyProblems, setPanel]);
  /** Opens the publish dialog with the note of a publish that failed, if any. */
  const openPublish = useCallback(() => setPublishing({ note: unpublishedNote.current }), []);

  const exportFlow = useCallback(async () => {
    setBusy("export");
    try {
      await saver.flush();
      const file = await api.exportFlow(flowId);
      downloadBlob(file.blob, file.filename);
    } catch (exc) {
      showToast(`Could not export: ${errorMessage(exc)}`, "error");
    } finally {
      setBusy(null);
    }
  }, [saver, flowId, showToast]);
  return { publishedVersion, versionsKey, busy, publishing, setPublishing, publish, openPublish, exportFlow };
}
