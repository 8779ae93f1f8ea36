// The words a node shows, shared by the node component and the size estimate (canvas/sizes.ts).
import type { NodeConfig, NodeTypeInfo } from "../api/types";
import { savedVariables } from "../canvas/variables";
import { summarize as summary } from "./summary";

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** The summary line, shortened (empty when the config says nothing yet). */
export function summarize(meta: NodeTypeInfo | undefined, data: NodeConfig): string {
  return shorten(summary(meta, data), 110);
}

export function nodeTitle(meta: NodeTypeInfo | undefined, type: string): string {
  return shorten(meta?.label ?? type, 40);
}

/** What the body shows: the summary, else a hint. */
export function bodyText(meta: NodeTypeInfo | undefined, summaryText: string): string {
  if (summaryText) return summaryText;
  return meta?.config_schema.properties && Object.keys(meta.config_schema.properties).length
    ? "Not set up yet"
    : shorten(meta?.description ?? "", 110);
}

/** The variables line ("→ {{ a }}, {{ b }}"), or "" when the node saves none. */
export function savesText(meta: NodeTypeInfo | undefined, data: NodeConfig): string {
  const saves = savedVariables(meta, data);
  return saves.length ? `→ ${shorten(saves.map((v) => `{{ ${v} }}`).join(", "), 60)}` : "";
}

export function outputLabel(label: string): string {
  return shorten(label, 40);
}
