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
    rolldownOptions: {
      input: "src/main.tsx",
      // Not a warning about the bundle: how long each plugin took, printed on every build of a busy machine.
      checks: { bundlerTimings: false },
    },
  },
  test: {
    include: ["src/**/*.test.ts", "widget/**/*.test.ts"],
    environment: "node",
  },
});
