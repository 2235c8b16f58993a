// Copies Swagger UI out of node_modules/swagger-ui-dist into chalicelib/api/docs_assets/,
// where the API serves it at GET /api/v1/docs (chalicelib/api/docs_page.py).
//
//   node scripts/copy-docs-viewer.mjs   (npm run build:docs-viewer)
//
// The files live inside chalicelib/ because that is the one directory both `chalice local`
// and the Lambda zip of `chalice package` carry. They are generated, hence git-ignored.
import { copyFileSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules/swagger-ui-dist");
const target = join(root, "../chalicelib/api/docs_assets");
// The bundle comes last: a run cut short leaves it missing or old, so Make's
// file target and the API's missing-assets check both see an unfinished copy.
const FILES = [
  "LICENSE",
  "NOTICE",
  "swagger-ui-bundle.js.LICENSE.txt",
  "swagger-ui.css",
  "swagger-ui-bundle.js",
];

function fail(message) {
  console.error(`copy-docs-viewer: ${message}`);
  process.exit(1);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

const pinned = readJson(join(root, "package.json"))?.devDependencies?.["swagger-ui-dist"];
const installed = readJson(join(source, "package.json"))?.version;
if (!installed) {
  fail("node_modules/swagger-ui-dist is missing: run `npm ci` in frontend/ first");
}
// An exact pin, so an older node_modules cannot slip a different viewer into the package.
if (installed !== pinned) {
  fail(
    `node_modules has swagger-ui-dist ${installed}, package.json pins ${pinned}: run \`npm ci\``,
  );
}

mkdirSync(target, { recursive: true });
for (const name of FILES) {
  // Copy then rename: a running `chalice local` never reads a half-written file.
  const staged = join(target, `.${name}.tmp`);
  copyFileSync(join(source, name), staged);
  renameSync(staged, join(target, name));
}
console.log(`copy-docs-viewer: swagger-ui-dist ${installed} -> chalicelib/api/docs_assets/`);
