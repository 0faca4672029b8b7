import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import jsYaml from 'js-yaml';
import { ROOT, tempFolder } from '../helpers.ts';

const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
}

/** Runs the action's check step as its runner would: the step's script, with the inputs in its environment. */
function actionCheck(inputs: Record<string, string>, cwd: string) {
  const output = join(tempFolder(), 'github-output');
  const run = spawnSync('bash', [join(ROOT, 'scripts', 'action-check.sh')], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: output, ...inputs },
  });
  assert.equal(run.status, 0, run.stderr);
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((line) => line.split('=') as [string, string]));
  return { run, outputs, sarif: JSON.parse(readFileSync(resolve(cwd, outputs['sarif-file']!), 'utf8')) };
}

describe('the GitHub Action and the pre-commit hooks', () => {
  it('both run the package\'s one entry, `portolan` (dist/cli.js)', () => {
    assert.deepEqual(bin, { portolan: 'dist/cli.js' });
    const hooks = jsYaml.load(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
    assert.deepEqual(hooks.map((hook) => hook.entry), ['portolan check', 'portolan docs --check']);
    for (const hook of hooks) assert.equal(hook.language, 'node', hook.id);
    const action = jsYaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; steps: { run?: string; uses?: string }[] } };
    assert.equal(action.runs.using, 'composite');
    const runs = action.runs.steps.flatMap((step) => (step.run ? [step.run] : []));
    assert.ok(runs.includes('"$GITHUB_ACTION_PATH/scripts/action-check.sh"'));
    assert.match(readFileSync(join(ROOT, 'scripts', 'action-check.sh'), 'utf8'), /"\$\{GITHUB_ACTION_PATH:\?\}\/dist\/cli\.js"/);
    assert.ok(action.runs.steps.some((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@')));
  });

  it("the action's check step writes SARIF and hands the exit code on, so the upload runs before the job fails", () => {
    const { run, outputs, sarif } = actionCheck({ INPUT_PATH: 'examples/homelab', INPUT_SARIF_FILE: join(tempFolder(), 'portolan.sarif') }, ROOT);
    assert.equal(outputs['exit-code'], '1');
    assert.match(run.stdout, /✖ 46 problems/);
    assert.equal(sarif.runs[0].results.length, 46);
    const args = actionCheck({ INPUT_PATH: 'examples/homelab', INPUT_ARGS: '--rule prefer-loadbalancer --cluster studio', INPUT_SARIF_FILE: join(tempFolder(), 'p.sarif') }, ROOT);
    assert.equal(args.outputs['exit-code'], '0');
    assert.ok(args.sarif.runs[0].results.every((r: { ruleId: string }) => r.ruleId === 'prefer-loadbalancer'));
  });

  it("a broken registry fails the action's step with exit 2, and the SARIF shows it", () => {
    const dir = tempFolder({ 'portolan.yaml': 'version: 1\nclusters:\n  forge: { nodePortRange: 30000-30100, prodction: true }\n' });
    const { outputs, sarif } = actionCheck({}, dir);
    assert.equal(outputs['exit-code'], '2');
    assert.equal(sarif.runs[0].invocations[0].executionSuccessful, false);
    assert.match(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /unknown key "prodction"/);
  });

  it('the hooks run on the registry and the port document, and pass on the example', () => {
    const hooks = jsYaml.load(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
    const files = hooks.map((hook) => new RegExp(hook.files));
    assert.ok(files.every((pattern) => pattern.test('deploy/portolan.yaml')));
    assert.ok(!files[0]!.test('charts/grafana/values.yaml'));
    assert.ok(files[1]!.test('PORTS.md'));
    const docs = spawnSync('node', [join(ROOT, bin.portolan!), ...hooks[1]!.entry.split(' ').slice(1)], { cwd: join(ROOT, 'examples', 'homelab'), encoding: 'utf8' });
    assert.equal(docs.status, 0, docs.stderr);
    assert.match(docs.stderr, /PORTS\.md is up to date/);
    assert.ok(existsSync(join(ROOT, bin.portolan!)));
  });
});
