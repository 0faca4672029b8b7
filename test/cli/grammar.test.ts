import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempFolder } from '../helpers.ts';

const REGISTRY = `version: 1
ranges:
  ai-ml: { ports: 30100-30109 }
  agents: { ports: 30200-30209 }
clusters:
  dev: {}
  prod: {}
  lab: {}
services:
  vllm: { range: ai-ml, clusters: [dev, prod, lab], port: 30100 }
  agent-bruno: { range: agents, clusters: [prod], port: 30200 }
rules:
  dynamic-band: off
`;

/** The commands that read a registry, with the arguments they need before PATH. */
const READERS: Record<string, string[]> = {
  check: [],
  docs: [],
  ports: [],
  free: ['ai-ml'],
  who: ['30100'],
  allocate: ['agent-ripley', '--range', 'agents', '--dry-run'],
  move: ['vllm', '--next', '--dry-run'],
  release: ['vllm', '--dry-run'],
  reserve: ['30108-30109', '--reason', 'kept', '--dry-run'],
};

/** A folder with the registry one level down, so only PATH or --registry can find it. */
function project(): { dir: string; file: string } {
  const dir = tempFolder({ 'plan/portolan.yaml': REGISTRY });
  return { dir, file: join(dir, 'plan', 'portolan.yaml') };
}

describe('one grammar for every command', () => {
  it('every command that reads a registry takes it as PATH, as a folder, or as --registry', async () => {
    const { dir } = project();
    for (const [command, args] of Object.entries(READERS)) {
      for (const given of [
        [command, ...args, 'plan'],
        [command, ...args, 'plan/portolan.yaml'],
        ['--registry', 'plan/portolan.yaml', command, ...args],
        [command, ...args, '--registry', 'plan/portolan.yaml'],
      ]) {
        const run = await runCli(given, dir);
        assert.ok(run.code === 0 || run.code === 1, `${given.join(' ')}: ${run.stderr}`);
        assert.equal(run.stderr.includes('portolan.yaml in'), false, given.join(' '));
      }
      const none = await runCli([command, ...args], dir);
      assert.equal(none.code, 2, command);
      assert.match(none.stderr, /^portolan: no portolan\.yaml in /, command);
    }
  });

  it('PATH and --registry together, or a folder without a registry, are usage errors (exit 2)', async () => {
    const { dir } = project();
    mkdirSync(join(dir, 'empty'));
    for (const [command, args] of Object.entries(READERS)) {
      const both = await runCli([command, ...args, 'plan', '--registry', 'plan/portolan.yaml'], dir);
      assert.equal(both.code, 2, command);
      assert.match(both.stderr, /^portolan: the registry is given twice, as plan and as --registry plan\/portolan\.yaml; give one of them\n$/, command);
      const empty = await runCli([command, ...args, 'empty'], dir);
      assert.equal(empty.code, 2, command);
      assert.match(empty.stderr, /^portolan: empty holds no portolan\.yaml\n/, command);
    }
  });

  it('repeated flags and comma lists mean the same: ports --cluster dev,prod lists both', async () => {
    const { dir } = project();
    const comma = await runCli(['ports', 'plan', '--cluster', 'dev,prod', '--json'], dir);
    const repeated = await runCli(['ports', 'plan', '--cluster', 'dev', '--cluster', 'prod', '--json'], dir);
    assert.equal(comma.code, 0, comma.stderr);
    assert.equal(comma.stdout, repeated.stdout);
    const clusters = JSON.parse(comma.stdout).allocations.map((claim: { cluster: string }) => claim.cluster);
    assert.deepEqual([...new Set(clusters)], ['dev', 'prod']);
    const services = JSON.parse((await runCli(['ports', 'plan', '--range', 'ai-ml,agents', '--service', 'agent-bruno', '--json'], dir)).stdout);
    assert.deepEqual(services.allocations.map((claim: { service: string }) => claim.service), ['agent-bruno']);
    const unknown = await runCli(['ports', 'plan', '--cluster', 'dev,prdo'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no cluster "prdo".*\n  did you mean "prod"\?/);
  });

  it('--json is --format json on every command with output', async () => {
    const { dir } = project();
    for (const [command, args] of Object.entries(READERS)) {
      if (command === 'docs') continue;
      const alias = await runCli([command, ...args, 'plan', '--json'], dir);
      const long = await runCli([command, ...args, 'plan', '--format', 'json'], dir);
      assert.equal(alias.stdout, long.stdout, command);
      assert.doesNotThrow(() => JSON.parse(alias.stdout), command);
      const text = await runCli([command, ...args, 'plan', '--format', 'text'], dir);
      assert.throws(() => JSON.parse(text.stdout), command);
      const both = await runCli([command, ...args, 'plan', '--format', 'text', '--json'], dir);
      assert.equal(both.code, 2, command);
      assert.match(both.stderr, /^portolan: --json and --format text ask for two formats; give one of them\n$/, command);
      assert.equal((await runCli([command, ...args, 'plan', '--format', 'json', '--json'], dir)).stdout, long.stdout, command);
    }
  });

  it('every --help shows PATH for the registry, and --format with --json where there is output', async () => {
    for (const [command] of Object.entries(READERS)) {
      const help = (await runCli([command, '--help'])).stdout;
      assert.match(help, /^Usage: portolan \S+ .*\[path\]/m, command);
      if (command !== 'docs') {
        assert.match(help, /-f, --format <format>\s+the output format \(choices: "json"(,\s+"\w+")*,\s+"text",\s+default:\s+"text"\)/, command);
        assert.match(help, /--json\s+the same as --format json/, command);
      }
    }
  });

  it('bare `portolan` prints the help to stdout and exits 0', async () => {
    const run = await runCli([]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: portolan \[options\] \[command\]/);
    assert.match(run.stdout, /Commands:\n/);
    assert.equal(run.stderr, '');
  });

  it('one error style: `portolan: ` and the same words for the same problem in every command', async () => {
    const dir = tempFolder({});
    const registry = await runCli(['check', 'nope.yaml'], dir);
    const document = await runCli(['import', 'nope.md'], dir);
    const repo = await runCli(['scan', 'nope'], dir);
    assert.match(registry.stderr, /^portolan: nope\.yaml: no such file or folder\n/);
    assert.match(document.stderr, /^portolan: nope\.md: no such file or folder\n/);
    assert.match(repo.stderr, /^portolan: nope: no such file or folder\n/);
    const option = await runCli(['ports', '--clutser', 'dev'], dir);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^portolan: unknown option '--clutser'\n\(Did you mean --cluster\?\)/);
  });
});
