/**
 * The shape of the house, checked: only lib/config.ts reads the environment; handler files are composition roots
 * small enough to read at once; no function in lib/ is too long to hold in one's head; use cases and rules depend
 * only inward; no import cycle, type-only imports included.
 *
 * The cycle check walks the imports with the TypeScript compiler the project already has, which reads type-only
 * imports too and needs no resolver for our `.js` specifiers of `.ts` files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const tracked = ts.sys
  .readDirectory('.', ['.ts'], ['node_modules', '.esbuild', '.serverless'], ['lib/**/*', 'functions/**/*'])
  .map((file) => normalize(file))
  .filter((file) => !/\.test\.ts$/.test(file));
const source = (file: string) => readFileSync(file, 'utf8');

/** The project's own files a file imports (static, dynamic and type-only), as paths. */
function importsOf(file: string): string[] {
  return ts
    .preProcessFile(source(file), true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => normalize(join(dirname(file), name.replace(/\.js$/, '.ts'))));
}

describe('the house', () => {
  it('reads process.env in lib/config.ts only', () => {
    const readers = tracked.filter((file) => file !== 'lib/config.ts' && /process\.env/.test(source(file)));
    expect(readers).toEqual([]);
  });

  it('imports zod as a namespace: its named export `z` brings every locale into each bundle', () => {
    const named = tracked.filter((file) =>
      /import\s+(?:type\s+)?\{[^}]*\bz\b[^}]*\}\s+from\s+'zod'/.test(source(file)),
    );
    expect(named).toEqual([]);
  });

  it("takes zod from lib/zod.ts, its mini build: the full build stays in lib/api, out of the functions' bundles", () => {
    const full = tracked.filter(
      (file) =>
        file !== 'lib/zod.ts' &&
        !file.startsWith('lib/api/') &&
        ts
          .preProcessFile(source(file), true, true)
          .importedFiles.some((imported) => /^zod(\/|$)/.test(imported.fileName)),
    );
    expect(full).toEqual([]);
  });

  it('keeps every function file a composition root of about 40 lines', () => {
    const long = tracked
      .filter((file) => file.startsWith('functions/'))
      .map((file) => ({ file, lines: source(file).trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > 40);
    expect(long).toEqual([]);
  });

  it('has no function over 150 lines in lib/', () => {
    const long: string[] = [];
    for (const file of tracked.filter((name) => name.startsWith('lib/'))) {
      const tree = ts.createSourceFile(file, source(file), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const from = tree.getLineAndCharacterOfPosition(node.getStart()).line;
          const to = tree.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (to - from + 1 > 150) long.push(`${file}:${from + 1} (${to - from + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(tree);
    }
    expect(long).toEqual([]);
  });

  it('lets no use case import an adapter, the configuration or a handler', () => {
    const outward = tracked
      .filter((file) => file.startsWith('lib/use-cases/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => /^lib\/(adapters|handlers|composition)\/|^lib\/config\.ts$/.test(target))
          .map((target) => `${file} -> ${target}`),
      );
    expect(outward).toEqual([]);
  });

  it('keeps lib/domain pure: it imports only lib/domain, zod (lib/zod.ts) and node:crypto', () => {
    const impure = tracked
      .filter((file) => file.startsWith('lib/domain/'))
      .flatMap((file) =>
        ts
          .preProcessFile(source(file), true, true)
          .importedFiles.map((imported) => imported.fileName)
          .filter((name) =>
            name.startsWith('.')
              ? !/^lib\/(domain\/|zod\.js$)/.test(normalize(join(dirname(file), name)))
              : name !== 'node:crypto',
          )
          .map((name) => `${file} -> ${name}`),
      );
    expect(impure).toEqual([]);
  });

  it('keeps the sandbox its own package: it imports nothing of the product', () => {
    const files = ts.sys.readDirectory('sandbox', ['.ts'], ['node_modules']).map((file) => normalize(file));
    const reaching = files.flatMap((file) =>
      ts
        .preProcessFile(source(file), true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((name) =>
          name.startsWith('.')
            ? !normalize(join(dirname(file), name)).startsWith('sandbox/')
            : !/^(node:|zod$|vitest$)/.test(name),
        )
        .map((name) => `${file} -> ${name}`),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(reaching).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    const graph = new Map(tracked.map((file) => [file, importsOf(file)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) walk(file, []);
    expect(cycles).toEqual([]);
  });
});
