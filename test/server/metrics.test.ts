import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.ts';
import { served } from './served.ts';

/** The metric families a Prometheus text scrape holds, with their samples' names. */
function scraped(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{|\s)/.exec(line);
    if (sample && !line.startsWith('#')) names.add(sample[1]!);
  }
  return names;
}

test('/metrics: range use per cluster, findings, changes, request durations and reloads, in the Prometheus format', async () => {
  const server = await served();
  try {
    await server.call('GET', '/v1/ranges');
    // The server's own write is held as written: the next read does not load the file again.
    await server.call('POST', '/v1/allocations', { service: 'agent-m', range: 'agents', clusters: ['studio'] }, server.auth(server.write));
    await server.call('GET', '/v1/who/30202');
    assert.match(await (await server.call('GET', '/metrics')).text(), /^portolan_registry_reloads\{outcome="ok"\} 0$/m);
    // Another writer (a `git pull`, a person's editor) changes the file under it: the next read loads it again.
    const file = join(server.dir, 'portolan.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# pulled\n`);
    await server.call('GET', '/v1/who/30202');
    const response = await server.call('GET', '/metrics');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^portolan_range_ports_used\{range="agents",cluster="studio"\} 13$/m);
    assert.match(text, /^portolan_range_ports_size\{range="agents",cluster="pro"\} 100$/m);
    assert.match(text, /^portolan_changes_total\{action="allocate"\} 1$/m);
    assert.match(text, /^portolan_changes_total\{action="release"\} 0$/m);
    assert.match(text, /^portolan_http_request_duration_seconds_count\{route="\/v1\/who\/:port",method="GET",status="200"\} 2$/m);
    assert.match(text, /^portolan_registry_reloads\{outcome="ok"\} 1$/m);
  } finally {
    await server.app.close();
  }
});

test('every metric the Grafana dashboard queries is in a scrape', async () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[]; templating: { list: { query?: string }[] } };
  const queries = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.flatMap((v) => (v.query ? [v.query] : []))];
  const wanted = new Set(queries.flatMap((q) => q.match(/\bportolan_[a-z_]+/g) ?? []));
  assert.ok(wanted.size >= 5, [...wanted].join(', '));
  // A registry with a finding, so that portolan_findings has a sample.
  const server = await served({}, { 'portolan.yaml': `version: 1\nranges:\n  agents: { ports: 30200-30299 }\nclusters:\n  studio: {}\nservices:\n  a: { range: agents, clusters: [studio], port: 30200 }\n  b: { range: agents, clusters: [studio], port: 30200 }\n` });
  try {
    await server.call('GET', '/v1/ranges');
    const names = scraped(await (await server.call('GET', '/metrics')).text());
    const missing = [...wanted].filter((name) => !names.has(name));
    assert.deepEqual(missing, [], `scraped: ${[...names].join(', ')}`);
  } finally {
    await server.app.close();
  }
});
