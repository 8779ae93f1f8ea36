// Colours are written once, in styles/tokens.css; every other style sheet and component names a token instead.
import { describe, expect, it } from "vitest";

// Every style sheet and source file under src/ as text (Vite reads them; the test files are not the builder's look).
const SOURCES = import.meta.glob<string>(["/src/**/*.{css,ts,tsx}", "!/src/**/*.test.ts"], { query: "?raw", import: "default", eager: true });
const TOKENS = "styles/tokens.css";
const HEX = /(?<![\w&])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b/g;
const FUNCTION = /\b(?:rgba?|hsla?)\(/g;

// The one literal allowed outside tokens.css: the widget's default accent in the share panel is a setting's value
// (the widget's own DEFAULT_LOOK), not the builder's look, and an <input type="color"> takes only a #rrggbb literal.
const ALLOWED = [{ file: "panels/SharePanel.tsx", line: 'const WIDGET_DEFAULT_ACCENT = "#4f46e5";' }];

/** The text with its comments blanked out (newlines kept, so line numbers hold). */
function withoutComments(text: string, css: boolean): string {
  const blank = (m: string) => m.replace(/[^\n]/g, " ");
  const block = text.replace(/\/\*[\s\S]*?\*\//g, blank);
  return css ? block : block.replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (m, lead: string) => lead + blank(m.slice(lead.length)));
}

/** In a style sheet, only a declaration's value holds a colour (`#root {` or `a[href="#x"]` in a selector do not). */
function inDeclaration(text: string, at: number): boolean {
  const before = Math.max(text.lastIndexOf("{", at), text.lastIndexOf(";", at), text.lastIndexOf("}", at));
  const after = text.slice(at).search(/[{;}]/);
  return text.slice(before + 1, at).includes(":") && text[at + after] !== "{";
}

/** Each colour literal as "file:line: literal" (hex anywhere in a component; hex, rgb() or hsl() in a style sheet). */
export function colourLiterals(file: string, text: string): string[] {
  const css = file.endsWith(".css");
  const code = withoutComments(text, css);
  const lines = text.split("\n");
  const found: string[] = [];
  for (const pattern of css ? [HEX, FUNCTION] : [HEX]) {
    for (const match of code.matchAll(pattern)) {
      const at = match.index ?? 0;
      if (css && !inDeclaration(code, at)) continue;
      const line = code.slice(0, at).split("\n").length;
      if (ALLOWED.some((a) => a.file === file && lines[line - 1].trim() === a.line)) continue;
      found.push(`${file}:${line}: ${match[0]}`);
    }
  }
  return found;
}

describe("design tokens", () => {
  const text = new Map(Object.entries(SOURCES).map(([path, source]) => [path.replace(/^\/src\//, ""), source]));
  const all = [...text.keys()];
  const sheets = all.filter((file) => file.endsWith(".css"));

  it("finds the style sheets and components it checks", () => {
    expect(sheets).toContain(TOKENS);
    expect(sheets).toEqual(expect.arrayContaining(["styles/base.css", "canvas/Editor.css", "nodes/FlowNode.css", "pages/InboxPage.css"]));
    expect(sheets.length).toBeGreaterThanOrEqual(20);
    expect(all.filter((file) => file.endsWith(".tsx")).length).toBeGreaterThanOrEqual(30);
  });

  it("tells a colour from a selector or a comment", () => {
    expect(colourLiterals("x.css", "#root {\n  color: #0f172a; /* #fff */\n  border: 1px solid rgba(0, 0, 0, 0.1);\n}")).toEqual([
      "x.css:2: #0f172a",
      "x.css:3: rgba(",
    ]);
    expect(colourLiterals("x.tsx", 'const a = "#abc"; // #fff\nconst b = { fill: "#4f46e5aa" };\nconst c = "&#123;";')).toEqual([
      "x.tsx:1: #abc",
      "x.tsx:2: #4f46e5aa",
    ]);
    expect(colourLiterals(TOKENS, text.get(TOKENS) ?? "").length).toBeGreaterThan(40);
  });

  it("writes no colour literal outside tokens.css", () => {
    const stray = all.filter((file) => file !== TOKENS).flatMap((file) => colourLiterals(file, text.get(file) ?? ""));
    expect(stray, `colour literals outside ${TOKENS} (use a var(--token)):\n${stray.join("\n")}`).toEqual([]);
  });
});
