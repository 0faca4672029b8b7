import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.ts';

const SRC = join(ROOT, 'src');

/** Every .ts file under a folder of src/. */
function sourceFiles(folder: string): string[] {
  const root = join(SRC, folder);
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.endsWith('.ts')).map((entry) => join(root, entry));
}

/** The src/ folder each relative import of a file lands in, with whether only types are imported. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): { line: number; layer: string; typeOnly: boolean; specifier: string }[] {
  const found: { line: number; layer: string; typeOnly: boolean; specifier: string }[] = [];
  const pattern = /(?:^|\n)\s*(import|export)(\s+type)?\b[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] ?? match[4]!;
    if (!specifier.startsWith('.')) continue;
    const target = relative(SRC, resolve(dirname(file), specifier));
    const line = text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
    found.push({ line, layer: target.split(/[\\/]/)[0]!, typeOnly: match[2] !== undefined, specifier });
  }
  return found;
}

const BELOW_THE_ENGINE = ['allocate', 'manifests', 'registry', 'rules', 'sources', 'yaml'];

test('the doors (src/cli, src/server) reach rules, sources, allocation and the registry only through the engine', () => {
  const files = [...sourceFiles('cli'), ...sourceFiles('server')];
  assert.ok(files.length > 10, 'the doors have source files to check');
  const wrong = files.flatMap((file) =>
    importsOf(file)
      .filter((i) => BELOW_THE_ENGINE.includes(i.layer))
      .map((i) => `${relative(ROOT, file)}:${i.line} imports ${i.specifier}`),
  );
  assert.deepEqual(wrong, []);
});

test('no import runs up the layers: registry and sources never import the engine, reporters or a door; reporters never run allocation', () => {
  const rules: [string, string[]][] = [
    ['registry', ['engine', 'reporters', 'cli', 'server']],
    ['sources', ['engine', 'reporters', 'cli', 'server']],
    ['yaml', ['engine', 'reporters', 'registry', 'sources', 'cli', 'server']],
    ['allocate', ['cli', 'server', 'reporters']],
    ['reporters', ['allocate', 'registry', 'cli', 'server']],
    ['engine', ['cli', 'server']],
  ];
  const wrong: string[] = [];
  for (const [layer, above] of rules) {
    for (const file of sourceFiles(layer)) {
      for (const i of importsOf(file)) {
        // A reporter may name the engine's result types; it may not call below the engine.
        if (above.includes(i.layer) && !(layer === 'reporters' && i.typeOnly)) wrong.push(`${relative(ROOT, file)}:${i.line} imports ${i.specifier}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('the layout check sees a forbidden import, static or dynamic, and on which line', () => {
  const door = join(SRC, 'server', 'routes.ts');
  const text = "import { x } from '../engine/registry.ts';\nimport type { Rule } from '../rules/index.ts';\nconst scan = await import('../sources/gitops-repo/index.ts');\n";
  assert.deepEqual(
    importsOf(door, text).map((i) => [i.line, i.layer, i.typeOnly]),
    [
      [1, 'engine', false],
      [2, 'rules', true],
      [3, 'sources', false],
    ],
  );
});
