// Generates src/api/schema.d.ts from the committed OpenAPI document src/api/openapi.json.
//
//   node scripts/gen-api.mjs           write src/api/schema.d.ts   (npm run gen:api)
//   node scripts/gen-api.mjs --check   regenerate into a temporary file and fail if the
//                                      committed schema.d.ts differs  (npm run check:api)
//
// Refresh openapi.json itself from the Python app (see frontend/README.md), then run gen:api.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const input = join(root, "src/api/openapi.json");
const committed = join(root, "src/api/schema.d.ts");
const cli = join(root, "node_modules/openapi-typescript/bin/cli.js");
// Members with a default are not made required: the API omits unset optional members.
const flags = ["--default-non-nullable", "false"];

function generate(output) {
  const run = spawnSync(process.execPath, [cli, input, "--output", output, ...flags], {
    cwd: root,
    encoding: "utf8",
  });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    console.error("gen-api: openapi-typescript failed");
    process.exit(1);
  }
}

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

if (!process.argv.includes("--check")) {
  generate(committed);
  console.log("gen-api: wrote src/api/schema.d.ts");
} else {
  const dir = mkdtempSync(join(tmpdir(), "api-types-"));
  try {
    const fresh = join(dir, "schema.d.ts");
    generate(fresh);
    const current = read(committed);
    if (current === null) {
      console.error("check:api: src/api/schema.d.ts is missing; run `npm run gen:api`");
      process.exit(1);
    }
    if (read(fresh) !== current) {
      console.error(
        "check:api: src/api/schema.d.ts is out of date with src/api/openapi.json; " +
          "run `npm run gen:api` and commit the result",
      );
      process.exit(1);
    }
    console.log("check:api: src/api/schema.d.ts matches src/api/openapi.json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
