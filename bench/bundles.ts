/**
 * Each function's bundle as `serverless package` builds it, against a floor built the same way in the same run (a
 * middy handler with a bundled DynamoDB client, bench/floor-handler.ts, with serverless.yml's esbuild options):
 *
 * - zip size, against issue 12's target of 300 KB;
 * - the bundled JavaScript without its source map;
 * - import time as deployed: a fresh `node` with `NODE_OPTIONS=--enable-source-maps` as serverless.yml sets it,
 *   loading the bundle (the composition root's work at module scope included); median of 15, the samples of all the
 *   bundles and of the floor interleaved, so a slow moment of the machine falls on all of them alike;
 * - that import time as a ratio to the floor's (target 1.5x).
 *
 * The configuration is read at import, so each bundle is given the local stack's variables.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import yaml from 'js-yaml';
import { percentile } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SAMPLES = 15;
const TARGET_ZIP_BYTES = 300 * 1000;
const TARGET_RATIO = 1.5;
/**
 * Bundles that carry files to serve besides their code: the zip target is for code, so theirs is listed apart, with
 * what it carries (apiDocs: Swagger UI's script and style sheet, as text, about 480 KB of its zip compressed).
 */
const CARRIES: Record<string, string> = { apiDocs: "Swagger UI's files" };

interface Bundle {
  name: string;
  zipBytes: number;
  jsBytes: number;
  path: string;
  times: number[];
}

/**
 * serverless.yml's `custom.esbuild`, read as text (the rest of the file holds CloudFormation tags js-yaml rejects),
 * with its plugins loaded from the file it names, as serverless-esbuild loads them.
 */
export function esbuildOptions(): BuildOptions {
  const text = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const block = /^ {2}esbuild:\n((?: {4}.*\n| *#.*\n)+)/m.exec(text)?.[1];
  if (!block) throw new Error('no custom.esbuild block in serverless.yml');
  const options = yaml.load(block.replace(/^ {4}/gm, '')) as Record<string, unknown> & { plugins?: string };
  const plugins = options.plugins
    ? (createRequire(import.meta.url)(join(root, options.plugins)) as Plugin[])
    : [];
  return { ...Object.fromEntries(ESBUILD_KEYS.map((key) => [key, options[key]])), plugins };
}

/** The options of serverless.yml's block that are esbuild's own (the rest are serverless-esbuild's). */
const ESBUILD_KEYS = [
  'bundle',
  'mainFields',
  'minify',
  'keepNames',
  'sourcemap',
  'sourcesContent',
  'target',
  'platform',
  'format',
] as const;

async function buildFloor(dir: string): Promise<Bundle> {
  const out = join(dir, 'floor', 'handler.cjs');
  await build({
    ...esbuildOptions(),
    entryPoints: [join(root, 'bench/floor-handler.ts')],
    outfile: out,
    logLevel: 'silent',
  });
  const zip = join(dir, 'floor.zip');
  execFileSync('zip', ['-q', '-r', zip, '.'], { cwd: join(dir, 'floor') });
  return {
    name: '(floor: middy + DynamoDB)',
    zipBytes: statSync(zip).size,
    jsBytes: statSync(out).size,
    path: out,
    times: [],
  };
}

/**
 * A bundle that only touches `globalThis.Request`: its import time is what loading Node's fetch costs, which the
 * functions no longer pay (their HTTP goes over node:https, as the floor's DynamoDB client's does).
 */
async function buildFetchProbe(dir: string): Promise<Bundle> {
  const out = join(dir, 'fetch-probe.cjs');
  await build({
    ...esbuildOptions(),
    stdin: { contents: 'void globalThis.Request;', loader: 'ts', sourcefile: 'fetch-probe.ts' },
    outfile: out,
    logLevel: 'silent',
  });
  return { name: "(Node's fetch)", zipBytes: 0, jsBytes: statSync(out).size, path: out, times: [] };
}

function unpack(dir: string, packaged: string, zip: string): Bundle | undefined {
  const into = join(dir, zip.replace('.zip', ''));
  mkdirSync(into);
  execFileSync('unzip', ['-q', join(packaged, zip), '-d', into]);
  const [file] = readdirSync(join(into, 'functions')).filter((name) => name.endsWith('.cjs'));
  if (!file) return undefined;
  const path = join(into, 'functions', file);
  return {
    name: zip.replace('.zip', ''),
    zipBytes: statSync(join(packaged, zip)).size,
    jsBytes: statSync(path).size,
    path,
    times: [],
  };
}

function importMs(path: string): number {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `const t=process.hrtime.bigint();require(${JSON.stringify(path)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: 'bench',
        AWS_REGION: 'eu-west-1',
        UITPAS_TICKET_TYPE_ID: 'bench',
      },
    },
  );
  return Number(out.trim().split('\n').pop());
}

/** A full package takes about a minute on this machine. */
const PACKAGE_TIMEOUT_MS = 5 * 60_000;

export async function benchBundles(): Promise<void> {
  console.log('\nBundles: serverless package --stage bench ...');
  const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
  try {
    // Its own build folder and output folder, so neither a local stack running meanwhile (its bundles in .esbuild)
    // nor a `npm run package` (its artifacts in .serverless) is touched (serverless.yml outputWorkFolder).
    const out = join(dir, 'package');
    const packaged = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/serverless/bin/serverless.js'),
        'package',
        '--stage',
        'bench',
        '--package',
        out,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, ESBUILD_WORK_FOLDER: '.esbuild-bench' },
        // serverless package can print a build error and never exit: give up after this, with what it printed.
        timeout: PACKAGE_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      },
    );
    if (packaged.status !== 0)
      throw new Error(
        `serverless package failed${packaged.signal ? ` (stopped after ${PACKAGE_TIMEOUT_MS / 1000} s)` : ''}:\n${packaged.stdout}\n${packaged.stderr}`,
      );
    const floor = await buildFloor(dir);
    const zips = readdirSync(out).filter((file) => file.endsWith('.zip'));
    const bundles = zips
      .sort()
      .map((zip) => unpack(dir, out, zip))
      .filter((bundle): bundle is Bundle => bundle !== undefined);
    const fetchProbe = await buildFetchProbe(dir);
    for (let round = 0; round < SAMPLES; round += 1) {
      for (const bundle of [floor, fetchProbe, ...bundles]) bundle.times.push(importMs(bundle.path));
    }
    const floorMs = percentile(floor.times, 50);
    console.log(
      `  import time: fresh node, NODE_OPTIONS=--enable-source-maps, p50 of ${SAMPLES}; targets: zip <= 300 KB, import <= ${TARGET_RATIO}x the floor`,
    );
    console.log('  function                    zip size   JS size    import     ratio');
    const code = bundles.filter((bundle) => !CARRIES[bundle.name]);
    const carrying = bundles.filter((bundle) => CARRIES[bundle.name]);
    for (const bundle of [floor, ...code, ...carrying]) {
      if (bundle === carrying[0]) console.log('  with files to serve (no zip target):');
      const ms = percentile(bundle.times, 50);
      const ratio = ms / floorMs;
      const carries = CARRIES[bundle.name];
      const misses = [
        bundle.zipBytes > TARGET_ZIP_BYTES && !carries ? 'zip' : '',
        bundle !== floor && ratio > TARGET_RATIO ? 'import' : '',
      ].filter(Boolean);
      console.log(
        `  ${bundle.name.padEnd(26)} ${(bundle.zipBytes / 1024).toFixed(0).padStart(6)} KiB ${(bundle.jsBytes / 1024).toFixed(0).padStart(6)} KiB ${ms.toFixed(1).padStart(7)} ms ${ratio.toFixed(2).padStart(6)}x${carries ? `   carries ${carries}` : ''}${misses.length ? `   over target: ${misses.join(', ')}` : ''}`,
      );
    }
    console.log(
      `  for scale: loading Node's fetch (undici), which no function does (lib/adapters/http-client/transport.ts): ${percentile(fetchProbe.times, 50).toFixed(1)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
