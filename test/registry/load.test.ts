import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError, InputErrors, inputErrorsOf } from '../../src/core/errors.ts';
import { findRegistry, loadRegistry, parseRegistry } from '../../src/registry/load.ts';
import { ruleIds } from '../../src/rules/index.ts';
import { runCli, tempFolder, read } from '../helpers.ts';

const BASE = `version: 1
ranges:
  ai-ml:
    ports: 30100-30199
clusters:
  forge: {}
services:
  vllm:
    range: ai-ml
    port: 30100
`;

/** The input errors that parsing `text` throws (none when it loads). */
function errorsOf(text: string): InputError[] {
  try {
    parseRegistry('portolan.yaml', text, { ruleIds });
    return [];
  } catch (error) {
    const errors = inputErrorsOf(error);
    if (errors.length === 0) throw error;
    return errors;
  }
}

function onlyError(text: string): InputError {
  const errors = errorsOf(text);
  assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
  return errors[0]!;
}

describe('loading a registry', () => {
  it('reads names, spans, defaults and positions', () => {
    const registry = parseRegistry('portolan.yaml', BASE);
    assert.deepEqual(registry.ranges[0]!.spans, [{ from: 30100, to: 30199 }]);
    const vllm = registry.services[0]!;
    assert.equal(vllm.exposure, 'NodePort');
    assert.equal(vllm.status, 'active');
    assert.deepEqual(vllm.clusters, ['forge']);
    assert.equal(vllm.allClusters, true);
    assert.deepEqual(JSON.parse(JSON.stringify(vllm.ports[0]!.at)), { file: 'portolan.yaml', line: 10, column: 11 });
    assert.deepEqual(registry.clusters[0]!.nodePortRange, { from: 30000, to: 32767 });
  });

  it('reads lists of ports and spans, named ports, protocols and overrides', () => {
    const registry = parseRegistry(
      'portolan.yaml',
      `version: 1
ranges:
  ingress: { ports: [80, 443, "8080-8089"] }
clusters: { a: {}, b: { nodePortRange: 31000-31999 } }
services:
  dns:
    clusters: [a, b]
    ports:
      tcp: 30053
      udp: { port: 30053, protocol: UDP, overrides: { b: 31053 } }
`,
    );
    assert.deepEqual(registry.ranges[0]!.spans, [{ from: 80, to: 80 }, { from: 443, to: 443 }, { from: 8080, to: 8089 }]);
    assert.deepEqual(registry.clusters[1]!.nodePortRange, { from: 31000, to: 31999 });
    const udp = registry.services[0]!.ports[1]!;
    assert.equal(udp.protocol, 'UDP');
    assert.deepEqual(udp.overrides.map((o) => [o.cluster, o.port, o.at.line]), [['b', 31053, 10]]);
  });

  it('suggests the key meant by a typo, at the key', () => {
    const error = onlyError(BASE.replace('    range: ai-ml', '    rnage: ai-ml'));
    assert.match(error.message, /unknown key "rnage" in services\.vllm/);
    assert.equal(error.hint, 'did you mean "range"?');
    assert.deepEqual({ ...error.at, line: error.at?.line, column: error.at?.column }, { file: 'portolan.yaml', line: 9, column: 5 });
  });

  it('gives the valid span for port 70000 and for port 0', () => {
    for (const port of [70000, 0]) {
      const error = onlyError(BASE.replace('port: 30100', `port: ${port}`));
      assert.match(error.message, new RegExp(`services\\.vllm\\.port is ${port}; valid ports are 1-65535`));
      assert.equal(error.at?.line, 10);
    }
  });

  it('reports a port outside 1-65535 inside a span, and a span that runs backwards', () => {
    assert.match(onlyError(BASE.replace('30100-30199', '30100-70000')).message, /70000 is not a port/);
    const backwards = onlyError(BASE.replace('30100-30199', '30199-30100'));
    assert.match(backwards.message, /runs backwards/);
    assert.equal(backwards.hint, 'write 30100-30199');
    assert.equal(backwards.at?.line, 4);
  });

  it('suggests a protocol and a rule id', () => {
    const protocol = onlyError(BASE.replace('port: 30100', 'port: { port: 30100, protocol: TPC }'));
    assert.equal(protocol.hint, 'did you mean "TCP"?');
    const rule = onlyError(`${BASE}rules:\n  port-confilct: off\n`);
    assert.match(rule.message, /unknown rule "port-confilct"/);
    assert.equal(rule.hint, 'did you mean "port-conflict"?');
    assert.deepEqual([rule.at?.line, rule.at?.column], [12, 3]);
  });

  it('says how names are written', () => {
    const error = onlyError(BASE.replace('  forge: {}', '  Forge: {}'));
    assert.match(error.message, /"Forge" is not a valid name in clusters/);
    assert.match(error.hint ?? '', /lowercase/);
    assert.equal(error.at?.line, 6);
  });

  it('reports every mistake at once, each at its own line', () => {
    const errors = errorsOf(BASE.replace('    range: ai-ml', '    rnage: ai-ml').replace('port: 30100', 'port: 70000'));
    assert.deepEqual(errors.map((e) => e.at?.line).sort(), [10, 9]);
  });

  it('requires version 1, a port, and not both port and ports', () => {
    assert.match(onlyError(BASE.replace('version: 1\n', '')).message, /missing the key "version"/);
    assert.match(onlyError(BASE.replace('version: 1', 'version: 2')).message, /version must be 1/);
    assert.match(onlyError(BASE.replace('    port: 30100\n', '')).message, /vllm has no port/);
    assert.match(onlyError(`${BASE}    ports: { api: 30101 }\n`).message, /both "port" and "ports"/);
  });

  it('reports YAML syntax errors, tabs and duplicate keys with line and column', () => {
    const duplicate = onlyError(`${BASE}  vllm:\n    port: 30101\n`);
    assert.match(duplicate.message, /duplicate key/);
    assert.equal(duplicate.at?.line, 11);
    const tab = onlyError(BASE.replace('    range: ai-ml', '\trange: ai-ml'));
    assert.equal(tab.at?.line, 9);
    const unclosed = onlyError(BASE.replace('forge: {}', 'forge: {'));
    assert.match(unclosed.message, /^YAML: /);
  });

  it('refuses empty files, several documents, and a list where a mapping belongs', () => {
    assert.match(onlyError('').message, /is empty/);
    assert.match(onlyError('# nothing here\n').message, /is empty/);
    assert.match(onlyError(`${BASE}---\n${BASE}`).message, /single document/);
    assert.match(onlyError('- version: 1\n').message, /the registry must be a mapping, not a list/);
  });

  it('stops an alias bomb quickly, before expanding it', () => {
    const bomb = ['version: 1', 'notes: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let previous = 'a';
    for (const name of 'bcdefghi') {
      bomb.push(`x${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
      previous = name;
    }
    const started = process.hrtime.bigint();
    assert.match(onlyError(bomb.join('\n')).message, /aliases .* expand to more than/);
    assert.ok(process.hrtime.bigint() - started < 5_000_000_000n, 'bounded, not a hang');
  });

  it('refuses very deep nesting and very large files with a message, not a crash', () => {
    assert.match(onlyError(`version: 1\nnotes: ${'['.repeat(200000)}`).message, /nested too deeply|YAML/);
    const dir = tempFolder({ 'portolan.yaml': BASE });
    truncateSync(join(dir, 'portolan.yaml'), 65 * 1024 * 1024);
    assert.throws(() => loadRegistry(join(dir, 'portolan.yaml')), (e: unknown) => e instanceof InputError && /MiB/.test(e.message));
  });

  it('finds portolan.yaml in the folder given, or from the current folder up', () => {
    const dir = tempFolder({ 'portolan.yaml': BASE, 'clusters/forge/apps/README.md': '' });
    assert.equal(findRegistry(undefined, join(dir, 'clusters', 'forge', 'apps')), join(dir, 'portolan.yaml'));
    assert.equal(findRegistry(dir, '/'), join(dir, 'portolan.yaml'));
    assert.throws(() => findRegistry(join(dir, 'clusters'), '/'), InputError);
    assert.throws(() => findRegistry('no-such-file.yaml', dir), /no such file/);
  });
});

describe('the CLI on bad input', () => {
  it('prints file:line:column and the hint, exits 2, prints nothing on stdout (in text) and writes nothing', async () => {
    const dir = tempFolder({ 'portolan.yaml': BASE.replace('    range: ai-ml', '    rnage: ai-ml') });
    for (const format of ['text', 'markdown', 'json']) {
      const run = await runCli(['check', '--format', format], dir);
      assert.equal(run.code, 2);
      // JSON reports the broken registry on stdout too (as SARIF does): see test/cli/check.test.ts.
      if (format === 'json') assert.deepEqual(JSON.parse(run.stdout).findings, []);
      else assert.equal(run.stdout, '');
      assert.equal(run.stderr, 'portolan: portolan.yaml:9:5: unknown key "rnage" in services.vllm\n  did you mean "range"?\n');
      assert.equal(read(join(dir, 'portolan.yaml')), BASE.replace('    range: ai-ml', '    rnage: ai-ml'));
    }
  });

  it('says which registry is missing', async () => {
    const run = await runCli(['check'], tempFolder());
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no portolan\.yaml in .* or any folder above it/);
  });

  it('counts several errors', async () => {
    const dir = tempFolder({ 'portolan.yaml': BASE.replace('range: ai-ml', 'rnage: ai-ml').replace('port: 30100', 'port: 70000') });
    const run = await runCli(['check'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^2 errors$/m);
  });

  it('never throws a stack trace for a user mistake', async () => {
    writeFileSync(join(tempFolder(), 'x'), '');
    const run = await runCli(['check', '/dev/null']);
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/);
  });
});

// Keep the import used: InputErrors is what several mistakes arrive as.
void InputErrors;
