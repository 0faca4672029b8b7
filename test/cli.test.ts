import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import { processIo } from '../src/cli/io.ts';
import { registryJsonSchema } from '../src/registry/schema.ts';
import { ROOT, runCli, tempFolder } from './helpers.ts';

const CLEAN = `version: 1
ranges:
  ai-ml: { ports: 30100-30109 }
  agents: { ports: 30200-30209 }
clusters:
  forge: {}
  studio: { production: true }
services:
  vllm: { range: ai-ml, clusters: [forge], port: 30100 }
  ollama: { range: ai-ml, clusters: [forge], port: { port: 30101, protocol: UDP } }
  agent-bruno: { range: agents, exposure: LoadBalancer, port: 30200 }
reserved:
  - ports: 30105-30106
    reason: kept for the GPU scheduler
rules:
  dynamic-band: off
`;

describe('portolan check', () => {
  it('exits 0 on a clean registry and says so', async () => {
    const run = await runCli(['check'], tempFolder({ 'portolan.yaml': CLEAN }));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /no problems in portolan\.yaml/);
  });

  it('exits 1 with error findings, 0 when only warnings remain', async () => {
    const conflict = CLEAN.replace('port: { port: 30101', 'port: { port: 30100');
    assert.equal((await runCli(['check'], tempFolder({ 'portolan.yaml': conflict }))).code, 1);
    const warningOnly = conflict.replace('dynamic-band: off', 'dynamic-band: off\n  port-conflict: warning');
    const run = await runCli(['check'], tempFolder({ 'portolan.yaml': warningOnly }));
    assert.equal(run.code, 0);
    assert.match(run.stdout, /1 problem \(0 errors, 1 warning\)/);
  });

  it('prints the documented JSON shape', async () => {
    const run = await runCli(['check', '--format', 'json'], tempFolder({ 'portolan.yaml': CLEAN.replace('port: { port: 30101', 'port: { port: 30100') }));
    const output = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(output), ['findings', 'suppressed', 'summary']);
    assert.deepEqual(output.summary, { errors: 1, warnings: 0, infos: 0, files: ['portolan.yaml'] });
    assert.deepEqual(output.findings[0], {
      ruleId: 'port-conflict',
      messageId: 'conflict',
      severity: 'error',
      message: 'port 30100 in cluster forge is held by vllm, ollama',
      cluster: 'forge',
      range: 'ai-ml',
      service: 'vllm',
      port: 30100,
      protocol: 'TCP',
      locations: [
        { file: 'portolan.yaml', line: 9, column: 50 },
        { file: 'portolan.yaml', line: 10, column: 60 },
      ],
    });
  });

  it('turns rules off and changes their severity from the registry', async () => {
    const run = await runCli(['check', 'examples/homelab', '--format', 'json']);
    const ids = new Set(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId));
    assert.ok(ids.has('prefer-loadbalancer'));
    const quiet = CLEAN.replace('dynamic-band: off', 'dynamic-band: off\n  prefer-loadbalancer: off').replace('exposure: LoadBalancer, ', '');
    const after = JSON.parse((await runCli(['check', '--format', 'json'], tempFolder({ 'portolan.yaml': quiet }))).stdout);
    assert.equal(after.findings.length, 0);
  });

  it('renders markdown and text with every finding', async () => {
    const markdown = await runCli(['check', 'examples/homelab', '--format', 'markdown']);
    assert.equal(markdown.code, 1);
    assert.match(markdown.stdout, /^## Portolan check/);
    assert.equal(markdown.stdout.split('\n').filter((line) => line.startsWith('| error') || line.startsWith('| warning')).length, 46);
    const text = await runCli(['check', 'examples/homelab']);
    assert.match(text.stdout, /^cluster forge$/m);
    assert.match(text.stdout, /✖ 46 problems \(21 errors, 25 warnings\)/);
    assert.doesNotMatch(text.stdout, /\u001b\[/, 'no colour when not asked');
    const coloured = await runCli(['--color', 'check', 'examples/homelab']);
    assert.match(coloured.stdout, /\u001b\[31merror/);
  });

  it('refuses an unknown format and lists the valid ones, exit 2', async () => {
    const run = await runCli(['check', 'examples/homelab', '--format', 'sarf']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /did you mean "sarif"\?/);
    assert.equal(run.stdout, '');
  });
});

describe('the SARIF report', () => {
  it('validates against the SARIF 2.1.0 schema and points at the registry lines', async () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const validate = new (AjvDraft04 as unknown as typeof AjvDraft04.default)({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    const run = await runCli(['check', 'examples/homelab', '--format', 'sarif']);
    const log = JSON.parse(run.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.ok(validate(JSON.parse(run.stdout)), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results;
    assert.equal(results.length, 46);
    const conflict = results.find((r: { ruleId: string }) => r.ruleId === 'port-conflict');
    assert.equal(conflict.level, 'error');
    assert.equal(conflict.locations[0].physicalLocation.artifactLocation.uri, 'examples/homelab/portolan.yaml');
    assert.equal(conflict.relatedLocations.length, 1);
    const rules = log.runs[0].tool.driver.rules;
    assert.equal(rules[conflict.ruleIndex].id, 'port-conflict');
  });
});

describe('portolan ports, free and who', () => {
  const dir = () => tempFolder({ 'portolan.yaml': CLEAN });

  it('lists allocations, filtered by cluster, range and service', async () => {
    const all = JSON.parse((await runCli(['ports', '--format', 'json'], dir())).stdout).allocations;
    assert.equal(all.length, 4); // vllm, ollama in forge; agent-bruno in forge and studio
    const forge = await runCli(['ports', '--cluster', 'forge', '--range', 'ai-ml'], dir());
    assert.deepEqual(forge.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/).slice(0, 4)), [
      ['forge', '30100', 'TCP', 'nodePort'],
      ['forge', '30101', 'UDP', 'nodePort'],
    ]);
    const bad = await runCli(['ports', '--cluster', 'froge'], dir());
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no cluster "froge".*\n  did you mean "forge"\?/);
  });

  it('lists free ports, skipping taken and reserved ones, in every named cluster', async () => {
    const run = await runCli(['free', 'ai-ml', '--format', 'json'], dir());
    assert.deepEqual(JSON.parse(run.stdout), { range: 'ai-ml', clusters: ['forge', 'studio'], free: ['30102-30104', '30107-30109'], count: 6, size: 10 });
    const studio = JSON.parse((await runCli(['free', 'agents', '--cluster', 'studio', '--format', 'json'], dir())).stdout);
    assert.deepEqual(studio.free, ['30201-30209']);
    const text = await runCli(['free', 'ai-ml'], dir());
    assert.match(text.stdout, /6 of 10 ports free in clusters forge, studio\n  30102-30104\n  30107-30109\n/);
    const unknown = await runCli(['free', 'ai'], dir());
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no range "ai"/);
  });

  it('says who holds a port in each cluster', async () => {
    const run = await runCli(['who', '30200', '--format', 'json'], dir());
    const holders = JSON.parse(run.stdout);
    assert.deepEqual(holders.ranges, ['agents']);
    assert.deepEqual(holders.clusters.forge.map((c: { service: string }) => c.service), ['agent-bruno']);
    assert.deepEqual(holders.clusters.studio.map((c: { service: string }) => c.service), ['agent-bruno']);
    const reserved = await runCli(['who', '30105'], dir());
    assert.match(reserved.stdout, /reserved: kept for the GPU scheduler\n  forge: free\n  studio: free/);
  });

  it('refuses port 0 and 70000 with the valid span, exit 2', async () => {
    for (const port of ['0', '70000', 'http']) {
      const run = await runCli(['who', port], dir());
      assert.equal(run.code, 2);
      assert.match(run.stderr, /ports are whole numbers from 1 to 65535/);
    }
  });
});

describe('the command line', () => {
  it('colours a terminal unless NO_COLOR is set; FORCE_COLOR colours a pipe', () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR, TERM: process.env.TERM };
    try {
      process.env.FORCE_COLOR = '1';
      delete process.env.NO_COLOR;
      assert.equal(processIo().color, true);
      process.env.NO_COLOR = '1';
      assert.equal(processIo().color, false);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('shows help with an example on every command', async () => {
    for (const command of ['check', 'ports', 'free', 'who', 'allocate', 'move', 'release', 'reserve', 'import', 'docs', 'scan', 'schema']) {
      const run = await runCli([command, '--help']);
      assert.equal(run.code, 0, command);
      assert.match(run.stdout, /Usage: portolan /);
      assert.match(run.stdout, /Examples?:\n  \$ portolan /, command);
    }
  });

  it('prints its version', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('refuses unknown commands and options with exit 2, suggesting the near one', async () => {
    const command = await runCli(['chek']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /Did you mean check\?/);
    const option = await runCli(['check', '--formt', 'json']);
    assert.equal(option.code, 2);
  });
});

describe('portolan schema', () => {
  it('prints the JSON Schema, and schema/portolan.schema.json is that output', async () => {
    const run = await runCli(['schema']);
    assert.deepEqual(JSON.parse(run.stdout), registryJsonSchema());
    assert.equal(readFileSync(join(ROOT, 'schema', 'portolan.schema.json'), 'utf8'), run.stdout, 'regenerate with: node dist/cli.js schema > schema/portolan.schema.json');
  });
});

describe('the README', () => {
  it("shows a registry that loads, and whose only finding is the override it points out", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The registry file: portolan.yaml'));
    const example = section.split('```yaml\n')[1]!.split('```')[0]!;
    const run = await runCli(['check', '--format', 'json'], tempFolder({ 'portolan.yaml': example }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId), ['cross-cluster-inconsistency']);
  });
});
