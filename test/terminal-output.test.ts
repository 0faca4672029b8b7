import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeControls } from '../src/core/escape.ts';
import { runCli, tempFolder } from './helpers.ts';

// What a hostile name carries: clear the screen, set the terminal's title, ring the bell; a
// C1 CSI; a right-to-left override that hides text.
const ATTACK = '\\e[2J\\e]0;owned\\a';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertSafe(output: string, what: string): void {
  const raw = RAW.exec(output);
  if (raw) assert.fail(`${what} passes U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')} through: ${JSON.stringify(output.slice(Math.max(0, raw.index - 40), raw.index + 40))}`);
}

test('escapeControls shows every control character as an escape and keeps tabs and line ends', () => {
  assert.equal(escapeControls('a\u001b[2J\u001b]0;t\u0007b\rc\u009bd\u202ee\tf\ng\u0000'), 'a\\e[2J\\e]0;t\\ab\\rc\\x9bd\\u202ee\tf\ng\\x00');
  assert.equal(escapeControls(escapeControls('\u001b[31m')), '\\e[31m', 'escaping twice changes nothing more');
  assert.equal(escapeControls('plain ports 30100-30199 → ok'), 'plain ports 30100-30199 → ok');
});

test('a registry key, a title and a note with escape sequences are shown escaped by check, docs and error messages', async () => {
  const registry = `version: 1
ranges:
  apps:
    ports: 30100-30199
    description: "Apps ${ATTACK}"
clusters:
  lab:
    title: "Lab ${ATTACK}"
services:
  grafana:
    range: apps
    port: 30100
    notes: "\\u202Egnp.exe"
  grafana2:
    range: apps
    port: 30100
reserved:
  - ports: 30190-30199
    reason: "kept ${ATTACK}"
`;
  const dir = tempFolder({ 'portolan.yaml': registry });
  const check = await runCli(['check'], dir);
  assert.equal(check.code, 1);
  assertSafe(check.stdout + check.stderr, 'check');
  const markdown = await runCli(['check', '--format', 'markdown'], dir);
  assertSafe(markdown.stdout, 'check --format markdown');
  const docs = await runCli(['docs'], dir);
  assert.equal(docs.code, 0, docs.stderr);
  assertSafe(docs.stdout, 'the generated Markdown');
  assert.match(docs.stdout, /Lab \\e\[2J\\e\]0;owned\\a/);
  assert.match(docs.stdout, /\\u202egnp\.exe/);
  for (const args of [['who', '30195'], ['ports'], ['free', 'apps'], ['allocate', 'web', '--range', 'apps', '--reason', `why \u001b[2J`]]) {
    const run = await runCli(args, dir);
    assert.equal(run.code, 0, run.stderr);
    assertSafe(run.stdout + run.stderr, args.join(' '));
  }
  assert.match((await runCli(['who', '30195'], dir)).stdout, /reserved: kept \\e\[2J/);
  // JSON keeps the value itself, escaped the JSON way.
  const json = await runCli(['check', '--format', 'json'], dir);
  assertSafe(json.stdout, 'check --format json');

  const bad = tempFolder({ 'portolan.yaml': registry.replace('  grafana2:', `  "grafana${ATTACK}":`).replace('    title:', `    "tit\\e[5mle":`) });
  const error = await runCli(['check'], bad);
  assert.equal(error.code, 2);
  assertSafe(error.stderr, 'an error message');
  assert.match(error.stderr, /unknown key "tit\\e\[5mle"/);
});

test('a Service name and a kind mapping comment with escape sequences are shown escaped by scan and check --repo', async () => {
  const dir = tempFolder({
    'portolan.yaml': 'version: 1\nranges:\n  apps:\n    ports: 30100-30199\nclusters:\n  lab: { kindConfig: kind/lab.yaml }\nservices: {}\n',
    'clusters/lab/service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: "web${ATTACK}"\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30150\n`,
    'kind/lab.yaml': `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraPortMappings:\n      - containerPort: 30150 # web \u001b]0;owned\u0007 \u001b[2J\n        hostPort: 30150\n`,
  });
  const scan = await runCli(['scan', '.'], dir);
  assert.equal(scan.code, 0, scan.stderr);
  assertSafe(scan.stdout + scan.stderr, 'scan');
  assert.match(scan.stdout, /Service web\\e\[2J\\e\]0;owned\\a/);
  const check = await runCli(['check', '--repo', '.'], dir);
  assertSafe(check.stdout + check.stderr, 'check --repo');
  assert.match(check.stdout, /web\\e\[2J/);
});

test('an unknown option or a port document with escape sequences is shown escaped', async () => {
  const option = await runCli(['check', '--\u001b[2Jx'], tempFolder());
  assert.equal(option.code, 2);
  assertSafe(option.stderr, 'the usage error');
  const dir = tempFolder({ 'PORTS.md': '# Ports \u001b[2J\n\n| Range | Purpose |\n|---|---|\n| 30100-30199 | Apps \u001b]0;owned\u0007 |\n\nsome line \u001b[5m with no port\n\n- web: 30100\n' });
  const imported = await runCli(['import', 'PORTS.md', '--out', '-'], dir);
  assert.equal(imported.code, 0, imported.stderr);
  assertSafe(imported.stdout + imported.stderr, 'import');
});
