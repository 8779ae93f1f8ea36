// The builder's entry: the Django page says which page to render (boot JSON).
import "@xyflow/react/dist/base.css";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/controls.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { api } from "./api/endpoints";
import type { Flow, NodeTypeInfo } from "./api/types";
import { boot } from "./boot";
import { FlowListPage } from "./pages/FlowListPage";

const element = document.getElementById("root");
if (element) {
  const root = createRoot(element);
  const { page, flowId, data: embedded } = boot();
  if (page === "editor" && flowId) {
    // The flow and the node types come with the page (else they load while the editor's code does: it is a chunk
    // of its own, as the list page needs neither the canvas nor the form library).
    const data: Promise<[Flow, NodeTypeInfo[]]> = embedded
      ? Promise.resolve([embedded.flow, embedded.nodeTypes])
      : Promise.all([api.flow(flowId), api.nodeTypes()]);
    data.catch(() => undefined); // the editor page shows the error
    root.render(
      <div className="page-message" aria-busy="true">
        <div className="spinner" aria-hidden="true" />
        <p className="muted">Opening the flow…</p>
      </div>,
    );
    void import("./pages/EditorPage").then(({ EditorPage }) =>
      root.render(
        <StrictMode>
          <EditorPage data={data} />
        </StrictMode>,
      ),
    );
  } else if (page === "inbox") {
    void import("./pages/InboxPage").then(({ InboxPage }) =>
      root.render(
        <StrictMode>
          <InboxPage />
        </StrictMode>,
      ),
    );
  } else {
    root.render(
      <StrictMode>
        <FlowListPage />
      </StrictMode>,
    );
  }
}
