import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineEndOf, lineStarts } from '../../src/core/line-ends.ts';
import { read, runCli, tempFolder } from '../helpers.ts';

// A registry with a conflict and comments, as one team wrote it on Linux, another on Windows
// (or with git's autocrlf), and a third copied out of an old Mac editor.
const REGISTRY = `# Port plan
version: 1
docs: PORTS.md
ranges:
  apps:   # team applications
    ports: 30100-30199
clusters:
  lab: {}
services:
  # Grafana and Loki were given one port by mistake.
  grafana:
    range: apps
    port: 30100
  loki:
    range: apps
    port: 30100
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - name: http
      port: 80
      nodePort: 30999   # set by portolan
`;

const STYLES = { LF: '\n', CRLF: '\r\n', CR: '\r' } as const;

function styled(text: string, eol: string): string {
  return text.replace(/\n/g, eol);
}

test('lineEndOf and lineStarts know all three line ends', () => {
  assert.equal(lineEndOf('a\nb\r\n'), '\n');
  assert.equal(lineEndOf('a\r\nb\n'), '\r\n');
  assert.equal(lineEndOf('a\rb\r'), '\r');
  assert.equal(lineEndOf('one line'), '\n');
  assert.deepEqual(lineStarts('a\nb\r\nc\rd'), [0, 2, 5, 7]);
});

for (const [style, eol] of Object.entries(STYLES)) {
  test(`${style}: check reports the same lines and columns, and allocate keeps the file's line ends`, async () => {
    const dir = tempFolder({ 'portolan.yaml': styled(REGISTRY, eol), 'apps/web.yaml': styled(SERVICE, eol) });
    const check = await runCli(['check', '--format', 'json'], dir);
    const conflict = (JSON.parse(check.stdout).findings as { ruleId: string; locations: { line: number; column: number }[] }[]).find((f) => f.ruleId === 'port-conflict')!;
    assert.deepEqual(conflict.locations.map((l) => [l.line, l.column]), [[13, 11], [16, 11]]);

    assert.equal((await runCli(['docs', '--write'], dir)).code, 0);
    const docs = read(join(dir, 'PORTS.md'));
    // Rewritten with the file's line ends, as a checkout with autocrlf leaves it.
    writeFileSync(join(dir, 'PORTS.md'), styled(docs, eol));

    const allocate = await runCli(['allocate', 'web', '--range', 'apps', '--manifest', 'apps/web.yaml'], dir);
    assert.equal(allocate.code, 0, allocate.stderr);
    const registry = read(join(dir, 'portolan.yaml'));
    assert.equal(registry, styled(`${REGISTRY}  web:\n    range: apps\n    port: 30101\n`, eol));
    assert.equal(read(join(dir, 'apps/web.yaml')), styled(SERVICE.replace('30999', '30101'), eol));
    assert.equal(lineEndOf(read(join(dir, 'PORTS.md'))), eol, 'the document keeps its line ends');
    assert.equal((await runCli(['docs', '--check'], dir)).code, 0, 'the document is current');
  });

  test(`${style}: a mistake is reported at its own line`, async () => {
    const dir = tempFolder({ 'portolan.yaml': styled(REGISTRY.replace('    range: apps\n    port: 30100\n  loki', '    rnage: apps\n    port: 30100\n  loki'), eol) });
    const run = await runCli(['check'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^portolan: portolan\.yaml:12:5: unknown key "rnage" in services\.grafana/m);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
}
