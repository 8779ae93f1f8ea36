// Node sizes and handle places worked out from the text before anything is drawn, so React Flow shows the nodes
// and edges in its first render instead of measuring a thousand nodes in the DOM and rendering them all again.
// The arithmetic mirrors the .fnode rules in nodes/FlowNode.css; a node whose drawn size differs is measured for real
// by React Flow's own observer, so a wrong guess costs one node's measurement, never a misplaced edge for long.
import type { NodeHandle } from "@xyflow/react";
import type { FlowNode, NodeTypeInfo } from "../api/types";
import { outputsFor } from "./handles";
import { bodyText, nodeTitle, outputLabel, savesText, summarize } from "../nodes/text";

/** Width of the text in pixels, in the given CSS font. */
export type Measure = (text: string, font: string) => number;

/** How many lines `text` takes in a box `width` wide (spaces and hyphens break; overflow-wrap: anywhere). */
export function countLines(text: string, width: number, font: string, measure: Measure): number {
  if (measure(text.trim(), font) <= width) return 1;
  const words = text.split(/\s+/).filter(Boolean);
  if (!words.length) return 1;
  let lines = 1;
  let line = "";
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate, font) <= width) {
      line = candidate;
      continue;
    }
    if (line) {
      lines += 1;
      line = "";
    }
    let rest = word;
    while (measure(rest, font) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && measure(rest.slice(0, cut), font) > width) cut -= 1;
      rest = rest.slice(Math.max(cut, 1));
      lines += 1;
    }
    line = rest;
  }
  return lines;
}

export interface Fonts {
  sans: string;
  mono: string;
}

// nodes/FlowNode.css: .fnode is 200px wide with 1px side borders, a 3px top and a 1px bottom border; the line heights are
// font-size x line-height of each block.
const W = 200;
const TITLE = { size: 13, weight: 650, lineHeight: 13 * 1.45, width: W - 2 - 20 - 26 - 8 };
const BODY = { size: 12.5, lineHeight: 12.5 * 1.4, width: W - 2 - 20 };
const SAVES = { size: 11.5, lineHeight: 11.5 * 1.45, width: W - 2 - 20 };
const OUTPUT = { size: 12, lineHeight: 12 * 1.45, width: W - 2 - 28 };
const HANDLE = 12;

export interface NodeSize {
  width: number;
  height: number;
  handles: NodeHandle[];
}

/** The size a node is drawn at and where its handles are, as FlowNode.tsx and FlowNode.css lay it out. */
export function nodeSize(node: FlowNode, meta: NodeTypeInfo | undefined, problems: number, fonts: Fonts, measure: Measure): NodeSize {
  const data = node.data;
  const type = node.type ?? "";
  const sans = (size: number, weight = 400) => `${weight} ${size}px ${fonts.sans}`;
  let titleWidth = TITLE.width;
  if (problems) titleWidth -= 20 + 8 + (problems > 9 ? 7 : 0);
  const titleLines = countLines(nodeTitle(meta, type), titleWidth, sans(TITLE.size, TITLE.weight), measure);
  let y = 3 + 9 + Math.max(26, titleLines * TITLE.lineHeight, problems ? 20 : 0) + 4;
  const summary = summarize(meta, data);
  const body = bodyText(meta, summary);
  const italic = !summary;
  y += countLines(body, BODY.width, `${italic ? "italic " : ""}${sans(BODY.size)}`, measure) * BODY.lineHeight + 9;
  const saves = savesText(meta, data);
  if (saves) y += -4 + countLines(saves, SAVES.width, `400 ${SAVES.size}px ${fonts.mono}`, measure) * SAVES.lineHeight + 9;
  const outputs = outputsFor(meta, data);
  const single = outputs.length === 1 && outputs[0].id === "next";
  const handles: NodeHandle[] = [];
  const rows: { id: string; centre: number }[] = [];
  if (!single && outputs.length) {
    y += 1 + 4;
    for (const o of outputs) {
      const h = 3 + countLines(outputLabel(o.label), OUTPUT.width, sans(OUTPUT.size), measure) * OUTPUT.lineHeight + 3;
      rows.push({ id: o.id, centre: y + h / 2 });
      y += h;
    }
    y += 4;
  }
  const height = y + 1;
  if (meta?.accepts_input !== false) {
    handles.push({ type: "target", position: "left" as NodeHandle["position"], x: -5, y: 3 + (height - 4) / 2 - HANDLE / 2, width: HANDLE, height: HANDLE, id: null });
  }
  const rightX = W - 1 + 6 - HANDLE;
  if (single) {
    handles.push({ type: "source", position: "right" as NodeHandle["position"], id: "next", x: rightX, y: 3 + (height - 4) / 2 - HANDLE / 2, width: HANDLE, height: HANDLE });
  }
  for (const row of rows) {
    handles.push({ type: "source", position: "right" as NodeHandle["position"], id: row.id, x: rightX, y: row.centre - HANDLE / 2, width: HANDLE, height: HANDLE });
  }
  return { width: W, height: Math.round(height), handles };
}

const contexts = new Map<string, { ctx: CanvasRenderingContext2D; widths: Map<string, number> }>();

/** Text widths from canvases in this document (the same fonts and shaping as the page's text); one canvas per
 * font, as setting a canvas's font parses it again. */
export function canvasMeasure(): Measure | null {
  if (typeof document === "undefined") return null;
  return (text, font) => {
    let entry = contexts.get(font);
    if (!entry) {
      const ctx = document.createElement("canvas").getContext("2d");
      if (!ctx) return text.length * 7;
      ctx.font = font;
      entry = { ctx, widths: new Map() };
      contexts.set(font, entry);
    }
    let w = entry.widths.get(text);
    if (w === undefined) {
      w = entry.ctx.measureText(text).width;
      if (entry.widths.size > 5000) entry.widths.clear();
      entry.widths.set(text, w);
    }
    return w;
  };
}

/** The page's fonts (the --font and --mono of styles/tokens.css), or null before the style sheet applies. */
export function pageFonts(): Fonts | null {
  if (typeof document === "undefined") return null;
  const style = getComputedStyle(document.documentElement);
  const sans = style.getPropertyValue("--font").trim();
  const mono = style.getPropertyValue("--mono").trim();
  return sans && mono ? { sans, mono } : null;
}

/** The nodes with `measured` and `handles` filled in, so React Flow needs no DOM measurement to draw them. */
export function withSizes(nodes: FlowNode[], typeOf: (key: string) => NodeTypeInfo | undefined, problemCount: (id: string) => number): FlowNode[] {
  const measure = canvasMeasure();
  const fonts = pageFonts();
  if (!measure || !fonts) return nodes;
  return nodes.map((node) => {
    const size = nodeSize(node, typeOf(node.type ?? ""), problemCount(node.id), fonts, measure);
    return { ...node, measured: { width: size.width, height: size.height }, handles: size.handles };
  });
}
