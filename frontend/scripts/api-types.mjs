// TypeScript types for the API, generated from the OpenAPI schema Django serves (drf-spectacular).
//   node scripts/api-types.mjs write   regenerate src/api/schema.d.ts
//   node scripts/api-types.mjs check   fail when src/api/schema.d.ts differs from what the schema gives (drift)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const target = resolve(here, "..", "src", "api", "schema.d.ts");
const mode = process.argv[2] ?? "check";

function python() {
  if (process.env.PYTHON) return process.env.PYTHON;
  const venv = join(root, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

async function generate() {
  const dir = mkdtempSync(join(tmpdir(), "fb-schema-"));
  try {
    const file = join(dir, "schema.yml");
    execFileSync(python(), ["manage.py", "spectacular", "--file", file], {
      cwd: root,
      // Integer formats in the schema follow the database's integer ranges (int64 on SQLite, int32 on PostgreSQL):
      // one fixed database keeps the generated file the same wherever it is checked.
      env: { ...process.env, DATABASE_URL: "sqlite:///:memory:" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const ast = await openapiTS(pathToFileURL(file), { alphabetize: true });
    const header =
      "// Generated from the OpenAPI schema by `npm run gen:api` (scripts/api-types.mjs); do not edit by hand.\n" +
      "// `npm run check:api` fails when this file and the schema disagree.\n\n";
    return header + astToString(ast);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fresh = await generate();
if (mode === "write") {
  writeFileSync(target, fresh);
  console.log(`wrote ${target}`);
} else {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== fresh) {
    const a = current.split("\n");
    const b = fresh.split("\n");
    let line = 0;
    while (line < Math.min(a.length, b.length) && a[line] === b[line]) line++;
    console.error(
      `src/api/schema.d.ts is out of date with the API's OpenAPI schema (first difference at line ${line + 1}:\n` +
        `  file:   ${a[line] ?? "(end)"}\n  schema: ${b[line] ?? "(end)"})\n` +
        "Run `npm run gen:api` in frontend/ and commit the result.",
    );
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches the OpenAPI schema");
}
