import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { tempFolder } from '../helpers.ts';
import { CLI_ARGS } from '../allocate/processes.ts';
import { REGISTRY, served } from './served.ts';

type Answer = { content: { type: string; text: string }[]; isError?: boolean };

/** The tools every transport offers, and what a session over one can do. */
async function exercise(client: Client, dir: string) {
  const tools = (await client.listTools()).tools.map((t) => t.name).sort();
  assert.deepEqual(tools, ['allocate', 'check', 'explain_rule', 'free', 'move', 'ports', 'release', 'who']);
  const described = (await client.listTools()).tools.find((t) => t.name === 'allocate')!;
  assert.match(described.description!, /dry run unless confirm is true/i);
  assert.ok((described.inputSchema as { properties: Record<string, unknown> }).properties.confirm);

  const who = (await client.callTool({ name: 'who', arguments: { port: 30200 } })) as Answer;
  assert.deepEqual(JSON.parse(who.content[0]!.text).clusters.studio.map((c: { service: string }) => c.service), ['agent-bruno']);
  const free = (await client.callTool({ name: 'free', arguments: { range: 'agents', clusters: ['studio'] } })) as Answer;
  assert.equal(JSON.parse(free.content[0]!.text).count, 88);
  const rule = (await client.callTool({ name: 'explain_rule', arguments: { rule: 'port-conflict' } })) as Answer;
  assert.equal(JSON.parse(rule.content[0]!.text).id, 'port-conflict');
  const unknown = (await client.callTool({ name: 'explain_rule', arguments: { rule: 'port-conflicts' } })) as Answer;
  assert.equal(unknown.isError, true);
  assert.match(unknown.content[0]!.text, /no rule "port-conflicts"\n {2}did you mean "port-conflict"\?/);
  const check = (await client.callTool({ name: 'check', arguments: {} })) as Answer;
  assert.ok(Array.isArray(JSON.parse(check.content[0]!.text).findings));

  const dry = (await client.callTool({ name: 'allocate', arguments: { service: 'agent-mcp', range: 'agents', clusters: ['studio'] } })) as Answer;
  assert.equal(dry.isError, undefined, dry.content[0]!.text);
  const planned = JSON.parse(dry.content[0]!.text);
  assert.deepEqual([planned.dryRun, planned.ports[0].port], [true, 30202]);
  assert.doesNotMatch(readFileSync(join(dir, 'portolan.yaml'), 'utf8'), /agent-mcp/);

  const resources = (await client.listResources()).resources.map((r) => r.uri).sort();
  assert.deepEqual(resources, ['portolan://document', 'portolan://findings', 'portolan://registry']);
  const document = await client.readResource({ uri: 'portolan://document' });
  assert.match((document.contents[0] as { text: string }).text, /agent-bruno/);
}

test('portolan mcp over stdio: the SDK client lists the tools, asks, dry-runs and, confirmed, allocates', { timeout: 120_000 }, async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const transport = new StdioClientTransport({ command: process.execPath, args: [...(CLI_ARGS[0]!.endsWith('.ts') ? ['--import', 'tsx'] : []), ...CLI_ARGS, 'mcp'], cwd: dir, stderr: 'pipe' });
  const client = new Client({ name: 'portolan-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    await exercise(client, dir);
    const done = (await client.callTool({ name: 'allocate', arguments: { service: 'agent-mcp', range: 'agents', clusters: ['studio'], confirm: true } })) as Answer;
    assert.equal(JSON.parse(done.content[0]!.text).dryRun, false);
    assert.match(readFileSync(join(dir, 'portolan.yaml'), 'utf8'), /agent-mcp/);
  } finally {
    await client.close();
  }
});

test('/mcp over Streamable HTTP: reads with any token, a confirmed write refused with a read token and taken with a write token', { timeout: 120_000 }, async () => {
  const server = await served();
  const connect = async (token?: string) => {
    const client = new Client({ name: 'portolan-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}));
    return client;
  };
  try {
    const reader = await connect(server.read);
    await exercise(reader, server.dir);
    const refused = (await reader.callTool({ name: 'allocate', arguments: { service: 'agent-mcp', range: 'agents', confirm: true } })) as Answer;
    assert.equal(refused.isError, true);
    assert.match(refused.content[0]!.text, /token grafana may only read/);
    assert.doesNotMatch(readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'), /agent-mcp/);
    await reader.close();

    const writer = await connect(server.write);
    const done = (await writer.callTool({ name: 'allocate', arguments: { service: 'agent-mcp', range: 'agents', clusters: ['studio'], confirm: true } })) as Answer;
    assert.equal(done.isError, undefined, done.content[0]!.text);
    assert.equal(JSON.parse(done.content[0]!.text).ports[0].port, 30202);
    assert.match(readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'), /agent-mcp/);
    await writer.close();

    const stranger = await fetch(`${server.base}/mcp`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(stranger.status, 401);
  } finally {
    await server.app.close();
  }
});
