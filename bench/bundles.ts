/**
 * Each function's bundle as `serverless package` builds it: zip size, size of the bundled JavaScript (without its
 * source map), and the time to load the bundle in a fresh Node process (the module import part of a cold start, the
 * composition root's work at module scope included), median of 5. The environment is the local stack's: the
 * configuration is read at import, so the bundle must be given what it needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function benchBundles(): Promise<void> {
  console.log('\nBundles: serverless package --stage bench ...');
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'bench'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`serverless package failed:\n${build.stdout}\n${build.stderr}`);
  const zips = readdirSync(join(root, '.serverless')).filter((file) => file.endsWith('.zip'));
  console.log('  function               zip size    JS size     import time (p50 of 5, fresh node)');
  for (const zip of zips.sort()) {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    try {
      execFileSync('unzip', ['-q', join(root, '.serverless', zip), '-d', dir]);
      const [bundle] = readdirSync(join(dir, 'functions')).filter((file) => file.endsWith('.cjs'));
      if (!bundle) continue;
      const path = join(dir, 'functions', bundle);
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
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
              TABLE_NAME: 'bench',
              AWS_REGION: 'eu-west-1',
              UITPAS_TICKET_TYPE_ID: 'bench',
            },
          },
        );
        times.push(Number(out.trim().split('\n').pop()));
      }
      const size = statSync(join(root, '.serverless', zip)).size;
      const js = statSync(path).size;
      console.log(
        `  ${zip.replace('.zip', '').padEnd(22)} ${(size / 1024).toFixed(0).padStart(6)} KiB  ${(js / 1024).toFixed(0).padStart(6)} KiB   ${percentile(times, 50).toFixed(1).padStart(6)} ms`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
