import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { regenerateDocs } from '../../src/engine/regenerate-docs.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { fixture, read, ROOT, runCli, tempFolder } from '../helpers.ts';

const REGISTRY = `version: 1
docs: PORTS.md
ranges:
  web:
    ports: 30000-30009
services:
  grafana:
    range: web
    port: 30001
reserved:
  - ports: 30009
    reason: health checks
`;

/** The document without what lies between its markers: the team's part, which must not change. */
function outsideRegions(text: string): string {
  return text.replace(/<!-- portolan:begin [a-z]+ -->[\s\S]*?<!-- portolan:end -->/g, '<region>');
}

/** A generated document with a team's prose written around its regions. */
async function documentWithProse(dir: string): Promise<string> {
  assert.equal((await runCli(['docs', '--write'], dir)).code, 0);
  const generated = read(join(dir, 'PORTS.md'));
  const written = generated
    .replace('# Port plan\n', '# Ports of the web team\n\nAsk in #web before you take a port.  \nSee [the runbook](runbook.md).\n')
    .replace('<!-- portolan:begin reserved -->', '## On call\n\nPage the web rota; *never* restart grafana at 30001 by hand.\n\n<!-- portolan:begin reserved -->')
    .concat('\n## Links\n\n- [Grafana](https://grafana.example.org:443/)\n\n\n');
  writeFileSync(join(dir, 'PORTS.md'), written);
  return written;
}

test('docs --write on a document with prose changes only the generated regions, byte for byte', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const before = await documentWithProse(dir);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0, 'prose outside the markers is not checked');
  // Markers shown in a fenced block of the team's prose are an example, not a region.
  const shown = before.replace('See [the runbook](runbook.md).\n', 'See [the runbook](runbook.md).\n\n```markdown\n<!-- portolan:begin services -->\n<!-- portolan:end -->\n```\n');
  writeFileSync(join(dir, 'PORTS.md'), shown);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0);
  writeFileSync(join(dir, 'PORTS.md'), before);
  writeFileSync(join(dir, 'portolan.yaml'), REGISTRY.replace('port: 30001', 'port: 30002'));
  const stale = await runCli(['docs', '--check'], dir);
  assert.equal(stale.code, 1);
  assert.doesNotMatch(stale.stdout, /^[-+].*(web team|On call|Links)/m);
  const write = await runCli(['docs', '--write'], dir);
  assert.equal(write.code, 0, write.stderr);
  assert.match(write.stderr, /^updated the generated regions of PORTS\.md$/m);
  const after = read(join(dir, 'PORTS.md'));
  assert.notEqual(after, before);
  assert.equal(outsideRegions(after), outsideRegions(before));
  assert.match(after, /^\| `grafana` \| 30002 \|/m);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0);
  // Written again with nothing changed: the same bytes.
  assert.match((await runCli(['docs', '--write'], dir)).stderr, /nothing to change in PORTS\.md/);
  assert.equal(read(join(dir, 'PORTS.md')), after);
});

test('docs --write keeps Windows line ends, and adds a region the document lacks after the one before it', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const before = (await documentWithProse(dir)).replace(/<!-- portolan:begin reserved -->[\s\S]*?<!-- portolan:end -->\n/, '').replace(/\n/g, '\r\n');
  writeFileSync(join(dir, 'PORTS.md'), before);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 1, 'a missing region is stale');
  assert.equal((await runCli(['docs', '--write'], dir)).code, 0);
  const after = read(join(dir, 'PORTS.md'));
  assert.doesNotMatch(after, /(^|[^\r])\n/, 'every line ends with CRLF');
  const regions = [...after.matchAll(/<!-- portolan:begin ([a-z]+) -->/g)].map((m) => m[1]);
  assert.deepEqual(regions, ['notice', 'ranges', 'clusters', 'services', 'reserved', 'rules', 'access', 'findings']);
  assert.match(after, /health checks/);
  const withoutAdded = after.replace(/\r\n\r\n<!-- portolan:begin reserved -->[\s\S]*?<!-- portolan:end -->/, '');
  assert.equal(outsideRegions(withoutAdded), outsideRegions(before));
});

test('a document without markers is never replaced: docs --write says how to adopt it and exits 2; --adopt marks it', async () => {
  const handWritten = '# Web ports\n\nOur ports.\n\n## Ports\n\n- grafana: 30001\n\n## Contacts\n\nweb@example.org\n';
  const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'PORTS.md': handWritten });
  for (const args of [['docs', '--write'], ['docs', '--check']]) {
    const run = await runCli(args, dir);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, /^portolan: PORTS\.md:1:1: PORTS\.md has no portolan markers, so it is not replaced$/m);
    assert.match(run.stderr, /portolan docs --write --adopt/);
    assert.equal(read(join(dir, 'PORTS.md')), handWritten);
  }
  const lone = await runCli(['docs', '--adopt'], dir);
  assert.equal(lone.code, 2);
  assert.match(lone.stderr, /--adopt goes with --write/);
  const adopt = await runCli(['docs', '--write', '--adopt'], dir);
  assert.equal(adopt.code, 0, adopt.stderr);
  const adopted = read(join(dir, 'PORTS.md'));
  assert.ok(adopted.startsWith('# Web ports\n\nOur ports.\n\n<!-- portolan:begin notice -->'), adopted);
  assert.ok(adopted.endsWith('## Contacts\n\nweb@example.org\n'), adopted);
  assert.doesNotMatch(adopted, /^- grafana: 30001$/m);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0);
});

test('markers out of order are exit 2 with their line and column, and nothing is written', async () => {
  const cases: [string, RegExp][] = [
    ['# P\n\n<!-- portolan:begin services -->\n| x |\n', /^portolan: PORTS\.md:3:1: portolan:begin services is never closed$/m],
    ['# P\n\n  <!-- portolan:begin servics -->\n<!-- portolan:end -->\n', /^portolan: PORTS\.md:3:3: unknown portolan region "servics"$/m],
    ['# P\n\n<!-- portolan:end -->\n', /^portolan: PORTS\.md:3:1: portolan:end without a portolan:begin above it$/m],
    ['<!-- portolan:begin ranges -->\n<!-- portolan:begin services -->\n<!-- portolan:end -->\n', /^portolan: PORTS\.md:2:1: portolan:begin services inside the region ranges \(line 1\)$/m],
  ];
  for (const [text, message] of cases) {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'PORTS.md': text });
    const run = await runCli(['docs', '--write'], dir);
    assert.equal(run.code, 2, text);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(read(join(dir, 'PORTS.md')), text);
  }
});

test('after a registry change, the document is regenerated in its regions only, created when missing, and left alone without markers', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const file = join(dir, 'portolan.yaml');
  const registry = loadRegistry(file, { cwd: dir });
  const created = regenerateDocs(file, registry)!;
  assert.equal(created.file, join(dir, 'PORTS.md'));
  assert.equal(existsSync(created.file), false);
  assert.equal(created.text, (await runCli(['docs'], dir)).stdout);
  const before = await documentWithProse(dir);
  writeFileSync(file, REGISTRY.replace('port: 30001', 'port: 30003'));
  const spliced = regenerateDocs(file, loadRegistry(file, { cwd: dir }))!;
  assert.equal(outsideRegions(spliced.text), outsideRegions(before));
  assert.match(spliced.text, /^\| `grafana` \| 30003 \|/m);
  writeFileSync(join(dir, 'PORTS.md'), '# Hand-written\n\n- grafana: 30001\n');
  assert.equal(regenerateDocs(file, loadRegistry(file, { cwd: dir })), undefined);
});

test("docs takes the title and prose from the registry's docs settings for a new document", async () => {
  const settings = `docs:
  file: PORTS.md
  title: Web team ports
  prose:
    - after: title
      text: "Ask in #web first."
    - after: services
      text: |-
        ## On call

        Page the rota.
`;
  const dir = tempFolder({ 'portolan.yaml': REGISTRY.replace('docs: PORTS.md\n', settings) });
  const run = await runCli(['docs'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.stdout.startsWith('# Web team ports\n\nAsk in #web first.\n\n<!-- portolan:begin notice -->'), run.stdout);
  assert.match(run.stdout, /<!-- portolan:end -->\n\n## On call\n\nPage the rota\.\n\n<!-- portolan:begin reserved -->/);
  assert.match((await runCli(['docs', '--title', 'Other'], dir)).stdout, /^# Other$/m);
});

test('a document written by `portolan docs` before it had markers adopts into exactly the document docs writes now', async () => {
  const old = read(fixture('port-doc', 'generated-before-markers.md'));
  assert.doesNotMatch(old, /portolan:begin/);
  const dir = tempFolder({ 'portolan.yaml': read(join(ROOT, 'examples/homelab/portolan.yaml')), 'PORTS.md': old });
  const adopt = await runCli(['docs', '--write', '--adopt'], dir);
  assert.equal(adopt.code, 0, adopt.stderr);
  assert.equal(read(join(dir, 'PORTS.md')), (await runCli(['docs'], dir)).stdout);
});
