// One polite status region for short messages ("Published version 3"); it stays in the page so screen readers
// announce what appears in it.
import "./Toast.css";
import { useCallback, useEffect, useRef, useState } from "react";

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "success" | "error";
  action?: { label: string; run: () => void };
}

/** Shows a message (an error stays longer), replacing the one showing. */
export type ShowToast = (text: string, kind?: Toast["kind"], action?: Toast["action"]) => void;

export function useToast(): [Toast | null, ShowToast, () => void] {
  const [toast, setToast] = useState<Toast | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const counter = useRef(0);
  const dismiss = useCallback(() => setToast(null), []);
  const show = useCallback((text: string, kind: Toast["kind"] = "info", action?: Toast["action"]) => {
    if (timer.current) clearTimeout(timer.current);
    setToast({ id: ++counter.current, text, kind, action });
    timer.current = setTimeout(() => setToast(null), kind === "error" ? 10000 : 6000);
  }, []);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return [toast, show, dismiss];
}

export function ToastRegion({ toast, onDismiss }: { toast: Toast | null; onDismiss: () => void }) {
  return (
    <div className="toast-region" role="status" aria-live="polite" data-testid="toast">
      {toast ? (
        <div key={toast.id} className={`toast toast-${toast.kind}`}>
          <span>{toast.text}</span>
          {toast.action ? (
            <button type="button" className="link" onClick={toast.action.run}>
              {toast.action.label}
            </button>
          ) : null}
          <button type="button" className="toast-close" onClick={onDismiss} aria-label="Dismiss">
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
