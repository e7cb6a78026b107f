/**
 * The bundles' source maps as deploy/esbuild-plugins.cjs trims them: a stack trace still names our files and lines,
 * and a frame inside a dependency stays a place in the bundle rather than being taken for a line of ours.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugins = createRequire(import.meta.url)('./esbuild-plugins.cjs') as Plugin[];
const dir = mkdtempSync(join(tmpdir(), 'source-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Our callback throws inside zod's parse, so the stack runs ours, zod's, ours.
const entry = [
  "import * as z from 'zod';",
  'export function parseAge(value: unknown): number {',
  '  return z',
  '    .number()',
  "    .transform((age) => { if (age < 0) throw new Error('negative age'); return age; })",
  '    .parse(value);',
  '}',
].join('\n');

async function bundle(
  withPlugins: boolean,
  sourcesContent = false,
): Promise<{ out: string; map: { sources: string[]; names: string[]; sourcesContent?: (string | null)[] } }> {
  const out = join(dir, `${withPlugins ? 'trimmed' : 'full'}${sourcesContent ? '-sources' : ''}.cjs`);
  await build({
    stdin: { contents: entry, loader: 'ts', resolveDir: root, sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    keepNames: true,
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    sourcesContent,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    logLevel: 'silent',
    plugins: withPlugins ? plugins : [],
  });
  return { out, map: JSON.parse(readFileSync(`${out}.map`, 'utf8')) };
}

/** The stack's frames as a fresh node with source maps on prints them. */
function framesOf(out: string): string[] {
  const stack = execFileSync(
    process.execPath,
    [
      '--enable-source-maps',
      '-e',
      `try { require(${JSON.stringify(out)}).parseAge(-1) } catch (e) { console.log(e.stack) }`,
    ],
    { encoding: 'utf8' },
  );
  expect(stack).toContain('negative age');
  return stack
    .split('\n')
    .filter((line) => line.trim().startsWith('at '))
    .map((line) => line.trim());
}

describe('own-source-map', () => {
  it('keeps only our own files in the map', async () => {
    const full = await bundle(false);
    const trimmed = await bundle(true);
    expect(full.map.sources.some((source) => source.includes('node_modules/zod/'))).toBe(true);
    expect(trimmed.map.sources).toEqual([expect.stringMatching(/(^|\/)entry\.ts$/)]);
    expect(trimmed.map.names.length).toBeLessThan(full.map.names.length);
  });

  it("keeps the sources' text in step with the sources left, when the map carries it", async () => {
    const { map } = await bundle(true, true);
    expect(map.sourcesContent).toEqual([entry]);
  });

  it('names our file and line in a stack trace, and leaves the frames inside a dependency in the bundle', async () => {
    const { out } = await bundle(true);
    const frames = framesOf(out);
    const ours = frames.filter((frame) => frame.includes('entry.ts'));
    // The callback (line 5) and parseAge (line 6), mapped to where they are written.
    expect(ours[0]).toMatch(/entry\.ts:5:\d+\)$/);
    expect(ours.at(-1)).toMatch(/^at (Object\.)?parseAge \(.*entry\.ts:6:\d+\)$/);
    const between = frames.slice(
      frames.indexOf(ours[0] as string) + 1,
      frames.indexOf(ours.at(-1) as string),
    );
    expect(between.length).toBeGreaterThan(0);
    for (const frame of between) expect(frame).toContain('trimmed.cjs:');
  });
});
