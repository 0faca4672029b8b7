import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempFolder } from '../helpers.ts';
import { CLI_ARGS, startNode, type Exit } from '../allocate/processes.ts';

// A three-file change: `allocate --manifest` edits the registry and the Service, and the registry's
// `docs:` makes it regenerate the port document. The fixture is laid out as a small GitOps folder.
const REGISTRY = `# Port plan of the lab clusters.
version: 1
docs: PORTS.md
ranges:
  apps:
    ports: 30100-30199
    description: Team applications
clusters:
  lab: {}
  edge: {}
services:
  grafana:
    range: apps
    namespace: observability
    port: 30100
`;

const SERVICE = `# The new application's Service; its node port is set by portolan.
apiVersion: v1
kind: Service
metadata:
  name: ledger
  namespace: finance
  labels:
    app.kubernetes.io/name: ledger
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: ledger
  ports:
    - name: http
      port: 8080
      targetPort: http
      nodePort: 30999
`;

const FILES = ['portolan.yaml', 'apps/ledger/service.yaml', 'PORTS.md'] as const;
const CHANGE = ['allocate', 'ledger', '--range', 'apps', '--manifest', 'apps/ledger/service.yaml'];

/**
 * The system calls a change can be interrupted at: every one that touches a file. Files are read
 * and written with positional calls (pread64, pwrite64); plain read and write are the runtime's
 * own wake-ups and the terminal output, whose number varies from run to run.
 */
const FILE_CALLS = new Set(['openat', 'open', 'pread64', 'pwrite64', 'fsync', 'fdatasync', 'close', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'chmod', 'fchmod', 'fchmodat', 'link', 'linkat', 'statx', 'fstat', 'newfstatat', 'lstat', 'stat', 'getdents64', 'ftruncate', 'mkdir']);

/** A folder holding the fixture before the change, the port document written from the registry. */
async function fixture(): Promise<string> {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'apps/ledger/service.yaml': SERVICE });
  const docs = await run(['docs', '--write'], dir);
  assert.equal(docs.code, 0, docs.stderr);
  return dir;
}

function run(args: readonly string[], cwd: string, strace?: readonly string[]): Promise<Exit> {
  if (!strace) return startNode([...CLI_ARGS, ...args], cwd).exited;
  const child = spawn('strace', [...strace, process.execPath, ...CLI_ARGS, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function contents(dir: string): string[] {
  return FILES.map((file) => readFileSync(join(dir, file), 'utf8'));
}

/** Every file in a folder, below it too. */
function listing(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listing(dir, join(under, entry.name)) : [join(under, entry.name)],
  ).sort();
}

/**
 * The file system calls of the main thread from the moment the change starts writing (its lock)
 * to its end, counted per call: for each call, how many came before the write
 * path and how many are in it. strace's injection counts each call separately, from the start.
 */
async function writePathCalls(dir: string): Promise<Map<string, { before: number; during: number }>> {
  const log = join(dir, '..', `${dir.split('/').pop()}.strace`);
  const traced = await run(CHANGE, dir, ['-qq', '-y', '-o', log]);
  assert.equal(traced.code, 0, traced.stderr);
  const lines = readFileSync(log, 'utf8').split('\n');
  rmSync(log);
  // The change's first file is its lock; the intent record comes before any new file.
  const start = lines.findIndex((line) => /O_CREAT/.test(line));
  assert.match(lines[start] ?? '', /portolan\.yaml\.lock/, 'the change takes its lock first');
  const intentAt = lines.findIndex((line) => /O_CREAT/.test(line) && line.includes('portolan.yaml.intent'));
  const firstNewFile = lines.findIndex((line) => /O_CREAT/.test(line) && /\.(portolan\.yaml|service\.yaml|PORTS\.md)\.tmp-/.test(line));
  assert.ok(intentAt > start && firstNewFile > intentAt, 'the change records its intent before it writes a new file');
  // No file of the change is read or written with the calls left out.
  for (const line of lines.slice(start)) assert.doesNotMatch(line, new RegExp(`^(read|write)\\(\\d+<${dir}`), line);
  const calls = new Map<string, { before: number; during: number }>();
  lines.forEach((line, i) => {
    const name = /^([a-z0-9_]+)\(/.exec(line)?.[1];
    if (name === undefined || !FILE_CALLS.has(name)) return;
    const count = calls.get(name) ?? { before: 0, during: 0 };
    if (i < start) count.before++;
    else count.during++;
    calls.set(name, count);
  });
  for (const [name, count] of calls) if (count.during === 0) calls.delete(name);
  return calls;
}

/** Runs `work` over `inputs`, as many at a time as the machine has cores. */
async function inParallel<T>(inputs: readonly T[], work: (input: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) await work(inputs[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(2, Math.min(8, availableParallelism())) }, worker));
}

test('a change of three files killed at every system call of its write path leaves old or new files, and recovery makes them agree', { timeout: 600_000 }, async (t) => {
  const original = await fixture();
  const before = contents(original);
  const listed = listing(original);
  const changed = join(original, '..', `${original.split('/').pop()}-new`);
  cpSync(original, changed, { recursive: true });
  const calls = await writePathCalls(changed);
  const after = contents(changed);
  for (let i = 0; i < FILES.length; i++) assert.notEqual(after[i], before[i], `${FILES[i]} changes`);
  for (const name of ['openat', 'pwrite64', 'fsync', 'rename', 'unlink', 'close', 'link']) assert.ok(calls.has(name), `the write path makes ${name} calls`);

  const points = [...calls].flatMap(([name, { before: skip, during }]) => Array.from({ length: during }, (_, k) => ({ name, when: skip + k + 1 })));
  assert.ok(points.length >= 40, `${points.length} points to interrupt`);
  const outcomes = { old: 0, new: 0 };
  await inParallel(points, async ({ name, when }) => {
    const dir = `${original}-${name}-${when}`;
    // Node makes a call or two more or fewer at start-up on a loaded machine, so the Nth call may
    // not come in one run: such a run finished the change untouched, and the point is tried again
    // on a fresh copy. A point that is never reached in three runs fails the test.
    let killed: Exit | undefined;
    for (let attempt = 0; attempt < 3 && killed?.signal !== 'SIGKILL'; attempt++) {
      rmSync(dir, { recursive: true, force: true });
      cpSync(original, dir, { recursive: true });
      killed = await run(CHANGE, dir, ['-qq', '-o', '/dev/null', `-e`, `trace=${name}`, '-e', `inject=${name}:signal=KILL:when=${when}`]);
    }
    const at = `killed at ${name} #${when}`;
    assert.equal(killed!.signal, 'SIGKILL', `${at}: the process was not killed in three runs (${killed!.code}): ${killed!.stderr}`);
    // Right after the kill, every file is whole: its old text or its new one.
    const now = contents(dir);
    now.forEach((text, i) => assert.ok(text === before[i] || text === after[i], `${at}: ${FILES[i]} is neither old nor new`));
    const pending = existsSync(join(dir, 'portolan.yaml.intent'));
    if (pending) {
      const check = await runCli(['check'], dir);
      assert.equal(check.code, 2, `${at}: check must report the pending change`);
      assert.match(check.stderr, /interrupted/, at);
    } else {
      // Without a record of the change, the files already agree.
      assert.ok(now.every((text, i) => text === before[i]) || now.every((text, i) => text === after[i]), `${at}: the files disagree and no change is recorded`);
    }
    // The next command finishes or undoes it; run in this process, as only the killed one needs its own.
    const recovered = await runCli(['recover'], dir);
    assert.equal(recovered.code, 0, `${at}: ${recovered.stderr}`);
    const final = contents(dir);
    const agree = final.every((text, i) => text === before[i]) ? 'old' : final.every((text, i) => text === after[i]) ? 'new' : undefined;
    assert.ok(agree, `${at}: after recovery the three files disagree: ${final.map((text, i) => (text === before[i] ? 'old' : 'new')).join(', ')}`);
    outcomes[agree]++;
    assert.deepEqual(listing(dir), listed, `${at}: temporary files, a lock or an intent record are left`);
    rmSync(dir, { recursive: true, force: true });
  });
  // Both outcomes happen: kills before the intent is complete undo the change, later ones finish it.
  assert.ok(outcomes.old > 0 && outcomes.new > 0, JSON.stringify(outcomes));
  t.diagnostic(`${points.length} system calls interrupted: ${outcomes.old} left the old files, ${outcomes.new} the new ones`);
});

/** Asserts a change that failed for want of disk left every file as it was, and nothing beside them. */
function assertUnchanged(dir: string, before: string[], listed: string[], failed: Exit, why: string): void {
  assert.equal(failed.code, 2, `${why}: ${failed.stderr}`);
  assert.match(failed.stderr, /ENOSPC/, why);
  assert.match(failed.stderr, /nothing was changed/, why);
  assert.doesNotMatch(failed.stderr, /\n\s+at /, `${why}: a stack trace`);
  assert.deepEqual(contents(dir), before, `${why}: a file changed`);
  assert.deepEqual(listing(dir), listed, `${why}: something was left behind`);
}

test('a full disk at any write of the change fails it with exit 2 and changes nothing', { timeout: 300_000 }, async () => {
  const original = await fixture();
  const before = contents(original);
  const listed = listing(original);
  // Which writes the change makes after reading: the intent records, the lock and the three new files.
  const probe = `${original}-probe`;
  cpSync(original, probe, { recursive: true });
  const calls = await writePathCalls(probe);
  const writes = calls.get('pwrite64')!;
  const points: number[] = [];
  for (let k = 1; k <= writes.during; k++) points.push(writes.before + k);
  await inParallel(points, async (when) => {
    const dir = `${original}-enospc-${when}`;
    cpSync(original, dir, { recursive: true });
    const failed = await run(CHANGE, dir, ['-qq', '-o', '/dev/null', '-e', 'trace=pwrite64', '-e', `inject=pwrite64:error=ENOSPC:when=${when}`]);
    assertUnchanged(dir, before, listed, failed, `write #${when} fails with ENOSPC`);
    rmSync(dir, { recursive: true, force: true });
  });
});

test('on a small file system that fills up, the change fails with exit 2 and changes nothing', { timeout: 120_000 }, async (t) => {
  const mount = tempFolder();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], { stdio: 'pipe' });
  } catch (error) {
    // Mounting needs root; without it the disk fills at the same write, the second new file's, by strace.
    t.diagnostic(`cannot mount a tmpfs (${String(error).split('\n')[0]}); the disk is filled by strace instead`);
    const original = await fixture();
    const before = contents(original);
    const listed = listing(original);
    const probe = `${original}-probe`;
    cpSync(original, probe, { recursive: true });
    const log = `${probe}.strace`;
    await run(CHANGE, probe, ['-qq', '-y', '-e', 'trace=pwrite64', '-o', log]);
    const when = readFileSync(log, 'utf8').split('\n').findIndex((line) => line.includes('/apps/ledger/.service.yaml.tmp-')) + 1;
    assert.ok(when > 0, 'the Service is written with pwrite64');
    const failed = await run(CHANGE, original, ['-qq', '-o', '/dev/null', '-e', 'trace=pwrite64', '-e', `inject=pwrite64:error=ENOSPC:when=${when}`]);
    assertUnchanged(original, before, listed, failed, 'the disk is full');
    return;
  }
  try {
    const original = await fixture();
    const dir = join(mount, 'repo');
    mkdirSync(dir);
    cpSync(original, dir, { recursive: true });
    // The port document grows by a section per service: leave room for the registry and the
    // Service, and not for the document as well.
    const before = contents(dir);
    writeFileSync(join(mount, 'filler'), Buffer.alloc(0));
    const free = () => Number(execFileSync('df', ['--output=avail', '-B1', mount], { encoding: 'utf8' }).split('\n')[1]);
    const room = free() - 4096 * 3;
    if (room > 0) writeFileSync(join(mount, 'filler'), Buffer.alloc(room));
    const listed = listing(dir);
    const failed = await run(CHANGE, dir);
    assertUnchanged(dir, before, listed, failed, 'the disk is full');
  } finally {
    execFileSync('umount', [mount]);
  }
});
