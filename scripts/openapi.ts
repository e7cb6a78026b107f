/**
 * `npm run openapi [-- FILE]`: writes the OpenAPI 3.1 document of the API (lib/api/document.ts, the same one
 * `GET /v1/openapi.json` answers) as pretty JSON to `openapi.json`, or to FILE, for client generators and reviews.
 * A relative FILE is taken from the folder npm was run in. The document's version is APP_VERSION, as the functions
 * read it (`dev` when unset).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openApiDocument } from '../lib/api/document.js';
import { loadConfig } from '../lib/config.js';

const { positionals } = parseArgs({ allowPositionals: true, strict: true });
if (positionals.length > 1) {
  console.error('usage: npm run openapi [-- FILE]   (default: openapi.json)');
  process.exit(2);
}
// npm runs scripts in the package's folder; INIT_CWD is where it was called from.
const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] ?? 'openapi.json');
const { app } = loadConfig(['app']);
const document = openApiDocument({ version: app.version });
writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
const paths = Object.keys(document.paths ?? {}).length;
console.log(
  `Wrote the OpenAPI ${document.openapi} document (version ${app.version}, ${paths} paths) to ${file}`,
);
