import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempFolder } from '../helpers.ts';

// The scripts are loaded into the real shells (scripts/test-deps.sh installs zsh and fish), and
// asked what they would complete.

async function script(shell: string): Promise<string> {
  const run = await runCli(['completion', shell]);
  assert.equal(run.code, 0, run.stderr);
  const file = join(tempFolder(), `portolan.${shell}`);
  writeFileSync(file, run.stdout);
  return file;
}

describe('portolan completion', () => {
  it('bash completes commands, their options, and --format values', async () => {
    const file = await script('bash');
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _portolan; printf '%s\\n' "\${COMPREPLY[@]}"`, file, 'portolan', ...words], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    assert.deepEqual(complete('ch'), ['check']);
    assert.deepEqual(complete('c'), ['check', 'completion']);
    assert.deepEqual(complete('check', '--max'), ['--max-warnings']);
    assert.deepEqual(complete('--registry', 'plan/portolan.yaml', 'check', '--format', 's'), ['sarif']);
    assert.deepEqual(complete('ports', '-f', ''), ['json', 'text']);
    assert.deepEqual(complete('allocate', 'x', '--protocol', ''), ['TCP', 'UDP', 'SCTP']);
    assert.ok(complete('move', '--').includes('--next'));
    assert.ok(!complete('who', '--').includes('--next'), 'only the options of that command');
  });

  it('fish completes the same', async () => {
    const file = await script('fish');
    const complete = (line: string) =>
      execFileSync('fish', ['-c', `source $argv[1]; complete -C "$argv[2]"`, file, line], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.split('\t')[0]);
    assert.deepEqual(complete('portolan ch'), ['check']);
    assert.deepEqual(complete('portolan check --format '), ['json', 'markdown', 'sarif', 'text']);
    assert.ok(complete('portolan check --').includes('--show-suppressed'));
    assert.ok(!complete('portolan who --').includes('--show-suppressed'));
  });

  it('zsh loads the script, which lists every command with its options', async () => {
    const file = await script('zsh');
    execFileSync('zsh', ['-n', file]);
    // Loaded the way a user loads it: compinit, then the script defines and registers _portolan.
    const loaded = execFileSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -D && source "$1" && print -r -- \${_comps[portolan]}`, 'zsh', file], { encoding: 'utf8' });
    assert.equal(loaded.trim(), '_portolan');
    const run = await runCli(['completion', 'zsh']);
    for (const command of ['check', 'ports', 'free', 'who', 'allocate', 'move', 'release', 'reserve', 'import', 'docs', 'scan', 'schema', 'completion']) {
      assert.match(run.stdout, new RegExp(`^    '${command}:`, 'm'), command);
    }
    assert.match(run.stdout, /'--format\[the output format\]:value:\(json markdown sarif text\)'/);
  });

  it('zsh completes at its own line editor, as a user pressing Tab sees it', async () => {
    const file = await script('zsh');
    const out = join(tempFolder(), 'buffers');
    // A zsh under a pseudo-terminal (zpty) gets each line typed with a Tab, then Ctrl-X, bound to a
    // widget that appends the edited line to a file; the driver waits for that line, and Ctrl-U empties it for the next.
    const lines = ['portolan ch', 'portolan check --max', 'portolan check --format sa', 'portolan ports -f js', 'portolan allocate x --protocol SC', 'portolan compl'];
    const driver = [
      'zmodload zsh/zpty',
      'zpty -b z zsh -f -i',
      `zpty -w z "PS1='> '; autoload -U compinit && compinit -u -D && source \${(q)1}"`,
      `zpty -w z "dump() { print -r -- \\"\\$BUFFER|\\" >> \${(q)2}; }; zle -N dump; bindkey '^X' dump"`,
      'integer n=0',
      'for line in "${@[3,-1]}"; do',
      '  zpty -w -n z "$line"$\'\\t\\x18\'',
      '  (( n++ ))',
      '  integer waited=0',
      '  while (( $(cat $2 2>/dev/null | wc -l) < n && waited < 600 )); do sleep 0.05; (( waited++ )); done',
      '  zpty -w -n z $\'\\x15\'',
      'done',
      'zpty -d z',
    ].join('\n');
    execFileSync('zsh', ['-f', '-c', driver, 'zsh', file, out, ...lines], { encoding: 'utf8', timeout: 60_000 });
    const buffers = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => line.replace(/\|$/, ''));
    assert.deepEqual(buffers, ['portolan check ', 'portolan check --max-warnings ', 'portolan check --format sarif ', 'portolan ports -f json ', 'portolan allocate x --protocol SCTP ', 'portolan completion ']);
  });

  it('refuses another shell, naming the three', async () => {
    const run = await runCli(['completion', 'tcsh']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Allowed choices are bash, fish, zsh/);
  });
});
