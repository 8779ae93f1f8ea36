import { gzipSync, brotliCompressSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

// The chat widget (frontend/widget/): a second, framework-free bundle, one classic script (no module: a page on
// another origin runs it without CORS) with a hashed name under /static/widget/assets/, found by flows/widget_views.py
// in the manifest and loaded by the stable /widget.js. Gzip and Brotli copies sit beside it for whitenoise to serve.
function precompress(): Plugin {
  return {
    name: "precompress",
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk" || !file.fileName.endsWith(".js")) continue;
        const code = new TextEncoder().encode(file.code);
        this.emitFile({ type: "asset", fileName: file.fileName + ".gz", source: gzipSync(code, { level: 9 }) });
        this.emitFile({ type: "asset", fileName: file.fileName + ".br", source: brotliCompressSync(code) });
      }
    },
  };
}

export default defineConfig({
  base: "/static/widget/",
  publicDir: false,
  plugins: [precompress()],
  build: {
    outDir: "../static/widget",
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    target: "es2019",
    rollupOptions: {
      input: "widget/main.ts",
      output: { format: "iife", entryFileNames: "assets/widget-[hash].js" },
    },
  },
});
