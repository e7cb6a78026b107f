/**
 * The esbuild plugins serverless-esbuild runs on every function's bundle (custom.esbuild.plugins in serverless.yml).
 *
 * own-source-map: a function's source map keeps the mappings into our own files and drops those into node_modules.
 * With NODE_OPTIONS=--enable-source-maps, a stack trace then names our files and lines as before, while a frame inside
 * a dependency keeps its place in the bundle; the map shrinks to a tenth or less (lookupTariffs': 0.96 MB to 85 KB),
 * which is what lets a zip stay under 300 KB with its map beside the code. esbuild has no option to leave inputs out
 * of a map, hence this pass over the map it wrote; @jridgewell/sourcemap-codec decodes and encodes the mappings.
 */
'use strict';

const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { decode, encode } = require('@jridgewell/sourcemap-codec');

/** A map's source is ours unless it lies in a node_modules folder. */
const isOwnSource = (source) => !/(^|\/)node_modules\//.test(source);

/**
 * `map` with only the sources `keep` accepts, their mappings and the names those use. Where a dropped mapping follows
 * a kept one, a one-field segment (a position that maps nowhere) takes its place, so that the dependency's code after
 * it is not taken for the line of ours before it: Node looks a position up by the nearest mapping before it.
 */
function keepSources(map, keep = isOwnSource) {
  const sourceIndex = [];
  const sources = [];
  const sourcesContent = [];
  map.sources.forEach((source, index) => {
    if (!keep(source)) return;
    sourceIndex[index] = sources.length;
    sources.push(source);
    sourcesContent.push(map.sourcesContent?.[index] ?? null);
  });
  const names = [];
  const nameIndex = new Map();
  const nameOf = (index) => {
    const name = map.names[index];
    if (!nameIndex.has(name)) {
      nameIndex.set(name, names.length);
      names.push(name);
    }
    return nameIndex.get(name);
  };
  let mapped = false;
  const lines = decode(map.mappings).map((segments) => {
    const kept = [];
    for (const segment of segments) {
      const source = segment.length > 1 ? sourceIndex[segment[1]] : undefined;
      if (source !== undefined) {
        const [column, , line, sourceColumn] = segment;
        kept.push(
          segment.length === 5
            ? [column, source, line, sourceColumn, nameOf(segment[4])]
            : [column, source, line, sourceColumn],
        );
        mapped = true;
      } else if (mapped) {
        kept.push([segment[0]]);
        mapped = false;
      }
    }
    return kept;
  });
  // Every per-source list kept in step with `sources`; `ignoreList` (indexes of dependencies) has nothing left to name.
  const { ignoreList: _ignored, sourcesContent: _contents, ...rest } = map;
  return {
    ...rest,
    sources,
    ...(map.sourcesContent ? { sourcesContent } : {}),
    names,
    mappings: encode(lines),
  };
}

const ownSourceMap = {
  name: 'own-source-map',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (!result.metafile) return;
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const output of Object.keys(result.metafile.outputs)) {
        if (!output.endsWith('.map')) continue;
        const path = resolve(root, output);
        writeFileSync(path, JSON.stringify(keepSources(JSON.parse(readFileSync(path, 'utf8')))));
      }
    });
  },
};

module.exports = [ownSourceMap];
