import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../src/server/dashboard.ts';
import { validator } from './openapi-check.ts';
import { served } from './served.ts';

type Served = Awaited<ReturnType<typeof served>>;

/** Reads server-sent events from a stream until `count` of them came. */
async function events(response: Response, count: number): Promise<{ event: string; data: any }[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const found: { event: string; data: any }[] = [];
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) found.push({ event, data: JSON.parse(data) });
    }
  }
  return found;
}

describe("the dashboard's routes", () => {
  let server: Served;
  before(async () => {
    server = await served();
  });
  after(() => server.app.close());

  test('the map, a range, a service, a search, lines and a rule answer in the shapes /openapi.json gives', async () => {
    const check = validator((await (await server.call('GET', '/openapi.json')).json()) as Record<string, any>);
    const reads: [string, string][] = [
      ['/v1/map', '/v1/map'],
      ['/v1/map/agents', '/v1/map/{range}'],
      ['/v1/map/agents?from=30250', '/v1/map/{range}'],
      ['/v1/map/nope', '/v1/map/{range}'],
      ['/v1/services/agent-bruno', '/v1/services/{name}'],
      ['/v1/services/nobody', '/v1/services/{name}'],
      ['/v1/search?q=who%20holds%2030200', '/v1/search'],
      ['/v1/lines?file=portolan.yaml&line=3', '/v1/lines'],
      ['/v1/rules/port-conflict', '/v1/rules/{id}'],
      ['/v1/rules/port-conflicts', '/v1/rules/{id}'],
    ];
    for (const [url, path] of reads) {
      const response = await server.call('GET', url);
      check('GET', path, response.status, response.headers.get('content-type')!, await response.json());
    }
    const map = (await (await server.call('GET', '/v1/map')).json()) as { clusters: string[]; ranges: { name: string; used: number[] }[] };
    assert.deepEqual(map.clusters, ['studio', 'pro']);
    assert.deepEqual(map.ranges.find((r) => r.name === 'agents')!.used, [2, 0]);
    const agents = (await (await server.call('GET', '/v1/map/agents')).json()) as { rows: string[] };
    // agent-bruno holds 30200-30201 in studio; 30290-30299 are reserved everywhere.
    assert.equal(agents.rows[0]!.slice(0, 2), 'hh');
    assert.equal(agents.rows[1]!.slice(90), 'r'.repeat(10));
    const service = (await (await server.call('GET', '/v1/services/agent-bruno')).json()) as { ports: { name: string; clusters: unknown[] }[] };
    assert.deepEqual(service.ports.map((p) => [p.name, p.clusters]), [['api', [{ cluster: 'studio', port: 30200 }]], ['health', [{ cluster: 'studio', port: 30201 }]]]);
    const lines = (await (await server.call('GET', '/v1/lines?file=portolan.yaml&line=3')).json()) as { lines: { line: number; text: string }[] };
    assert.deepEqual(lines.lines.find((l) => l.line === 3), { line: 3, text: 'ranges:' });
    const rule = (await (await server.call('GET', '/v1/rules/port-conflict')).json()) as { page: string };
    assert.match(rule.page, /^# port-conflict/);
  });

  test("lines come only from the registry's folder: another path, a ../ and a symlink out are refused", async () => {
    const outside = join(tmpdir(), `portolan-outside-${process.pid}.txt`);
    writeFileSync(outside, 'secret\n');
    mkdirSync(join(server.dir, 'docs'), { recursive: true });
    symlinkSync(outside, join(server.dir, 'docs', 'link.md'));
    for (const file of [outside, '../etc/passwd', '/etc/passwd', 'docs/link.md']) {
      const response = await server.call('GET', `/v1/lines?${new URLSearchParams({ file, line: '1' })}`);
      assert.ok(response.status === 422 || response.status === 404, `${file}: ${response.status}`);
      const text = await response.text();
      assert.doesNotMatch(text, /secret|root:/);
    }
    // Inside the folder, only files findings point into: not the tokens file, Git's config, a hidden file or a Secret.
    mkdirSync(join(server.dir, '.git'), { recursive: true });
    writeFileSync(join(server.dir, '.git', 'config'), '[remote "origin"]\n  url = https://ci:secret@example.com/x.git\n');
    writeFileSync(join(server.dir, '.env.yaml'), 'TOKEN: secret\n');
    writeFileSync(join(server.dir, 'db-secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: c2VjcmV0\n');
    for (const file of ['portolan-tokens.json', '.git/config', '.env.yaml', 'db-secret.yaml']) {
      const response = await server.call('GET', `/v1/lines?${new URLSearchParams({ file, line: '1' })}`);
      assert.equal(response.status, 422, `${file}: ${response.status}`);
      assert.doesNotMatch(await response.text(), /ci:secret|TOKEN: secret|c2VjcmV0|sha256/);
    }
    const past = await server.call('GET', '/v1/lines?file=portolan.yaml&line=999');
    assert.equal(past.status, 422);
    assert.match(((await past.json()) as { detail: string }).detail, /portolan\.yaml has \d+ lines; line 999 is not one of them/);
  });

  test('a dry run with preview gives each file its diff; without preview the answer is the CLI\'s shape', async () => {
    const auth = server.auth(server.write);
    const before = readFileSync(join(server.dir, 'portolan.yaml'), 'utf8');
    const previewed = (await (await server.call('POST', '/v1/allocations', { service: 'agent-nova', range: 'agents', clusters: ['studio'], dryRun: true, preview: true }, auth)).json()) as { diffs: { file: string; diff: string }[] };
    assert.deepEqual(previewed.diffs.map((d) => d.file), ['portolan.yaml', 'PORTS.md']);
    assert.match(previewed.diffs[1]!.diff, /^\+.*agent-nova/m);
    assert.match(previewed.diffs[0]!.diff, /^\+ {2}agent-nova:$/m);
    assert.match(previewed.diffs[0]!.diff, /^\+ {4}port: 30202$/m);
    const plain = (await (await server.call('POST', '/v1/allocations', { service: 'agent-nova', range: 'agents', dryRun: true }, auth)).json()) as Record<string, unknown>;
    assert.equal('diffs' in plain, false);
    const release = (await (await server.call('DELETE', '/v1/services/grafana?dryRun=true&preview=true', undefined, auth)).json()) as { diffs: { diff: string }[] };
    assert.match(release.diffs[0]!.diff, /^- {2}grafana:$/m);
    assert.equal(readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'), before, 'previews write nothing');
  });

  test('the page and its script come with the strict policy; an unknown asset is a problem', async () => {
    const page = await server.call('GET', '/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    const html = await page.text();
    assert.doesNotMatch(html, /<script>|<style|\sstyle=|\son[a-z]+=/, 'no inline script or style');
    assert.match(html, /<script type="module" src="\/ui\/app\.js"><\/script>/);
    const script = await server.call('GET', '/ui/app.js');
    assert.match(script.headers.get('content-type')!, /^text\/javascript/);
    assert.equal(script.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    // Preact names the SVG and MathML namespaces; no other address is in the script.
    assert.doesNotMatch(await script.text(), /https?:\/\/(?!www\.w3\.org\/(2000\/svg|1998\/Math\/MathML|1999\/xhtml))/i, 'the script names no other origin');
    const missing = await server.call('GET', '/ui/nothing.js');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type')!, /^application\/problem\+json/);
  });
});

test('the events stream says when the registry breaks (with its line) and mends, and closing the server ends it', { timeout: 60_000 }, async () => {
  const server = await served();
  const file = join(server.dir, 'portolan.yaml');
  const good = readFileSync(file, 'utf8');
  const response = await server.call('GET', '/v1/events');
  assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
  const stream = events(response, 3);
  await new Promise((resolve) => setTimeout(resolve, 100));
  writeFileSync(file, good.replace('    port: 30080\n', '    port: [30080\n'));
  // Give the watch a moment to see the broken file before it is mended.
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if ((await (await server.call('GET', '/readyz')).json() as { detail?: string }).detail) break;
  }
  await new Promise((resolve) => setTimeout(resolve, 600));
  writeFileSync(file, good.replace('port: 30080', 'port: 30081'));
  const [first, broken, mended] = await stream;
  assert.equal(first!.data.state, 'ok');
  assert.equal(broken!.event, 'registry');
  assert.equal(broken!.data.state, 'broken');
  assert.equal(broken!.data.etag, first!.data.etag, 'the last good registry is still what is served');
  assert.equal(broken!.data.error.file, 'portolan.yaml');
  assert.equal(typeof broken!.data.error.line, 'number');
  assert.equal(mended!.data.state, 'ok');
  assert.notEqual(mended!.data.etag, first!.data.etag);
  // A server with an open stream still closes.
  await server.app.close();
});
