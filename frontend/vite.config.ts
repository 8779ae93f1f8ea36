import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The bundle is served by Django (whitenoise) under /static/builder/; templates/builder/index.html finds the
// hashed file names in the manifest.
export default defineConfig({
  plugins: [react()],
  base: "/static/builder/",
  build: {
    outDir: "../static/builder",
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
    // The components import their own style sheets; they are bundled into one file all the same, linked by the page
    // up front (flows/builder_views.py), so the editor is styled in its first frame and the cascade keeps one order.
    cssCodeSplit: false,
    rolldownOptions: {
      input: "src/main.tsx",
      // Not a warning about the bundle: how long each plugin took, printed on every build of a busy machine.
      checks: { bundlerTimings: false },
    },
  },
  test: {
    include: ["src/**/*.test.ts", "widget/**/*.test.ts"],
    environment: "node",
    // A style sheet read as text (styles/tokens.test.ts) is its text; other CSS imports stay empty in tests.
    css: { include: [/\.css\?raw$/] },
  },
});
