import { existsSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../core/errors.ts';
import { isTemporaryOf, removeDeadWritersFiles, syncFolder, temporaryFor, writeFileAtomic, writeTarget, writeTemporary } from './atomic-write.ts';
import { isInside, repositoryRoot } from './contain.ts';
import { readTextFile } from './read-file.ts';

/**
 * A change of several files, as recorded next to the registry while it is carried out.
 * `prepared`: the new files are being written to temporary files; nothing has been replaced.
 * `committing`: every temporary file is complete and flushed; they are being renamed into place.
 */
export interface ChangeIntent {
  state: 'prepared' | 'committing';
  /** The process that made the change. */
  pid: number;
  files: { target: string; temporary: string }[];
}

/** What recovery did with an interrupted change. */
export interface Recovery {
  /** `finished`: every file now has its new text; `undone`: no file was replaced, temporary files were removed. */
  outcome: 'finished' | 'undone';
  files: string[];
}

/** The intent record of `registryFile`'s changes: `portolan.yaml.intent` beside it. */
export function intentFileOf(registryFile: string): string {
  return `${registryFile}.intent`;
}

/**
 * Writes several files as one change, so that a crash or a full disk at any moment leaves either
 * every old file or, after recovery, every new one: the intent is recorded (`prepared`, naming the
 * temporary files), every new text is written to a temporary file beside its target and flushed,
 * the intent becomes `committing`, each temporary file is renamed over its target, and the record
 * is removed. A failure before the first rename removes the temporary files and changes nothing.
 * Symlinks are written through.
 */
export function writeChange(registryFile: string, writes: ReadonlyMap<string, string>): void {
  const intent = intentFileOf(registryFile);
  const plan = [...writes].map(([file, text]) => {
    const target = writeTarget(file);
    return { target, temporary: temporaryFor(target), text };
  });
  const record = (state: ChangeIntent['state']) =>
    `${JSON.stringify({ state, pid: process.pid, files: plan.map(({ target, temporary }) => ({ target, temporary })) } satisfies ChangeIntent)}\n`;
  writeFileAtomic(intent, record('prepared'));
  try {
    for (const step of plan) writeTemporary(step.temporary, step.text, step.target);
    writeFileAtomic(intent, record('committing'));
  } catch (error) {
    for (const step of plan) rmSync(step.temporary, { force: true });
    rmSync(intent, { force: true });
    syncFolder(dirname(intent));
    throw error;
  }
  try {
    renameAll(plan);
  } catch (error) {
    throw new InputError(
      `the change to ${plan.map((step) => step.target).join(', ')} was interrupted while its files were renamed into place: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      undefined,
      'run `portolan recover` to finish it',
      { cause: error },
    );
  }
  unlinkSync(intent);
  syncFolder(dirname(intent));
}

/** The change left interrupted next to `registryFile`, if any; read-only. */
export function pendingChange(registryFile: string, allowOutside = false): ChangeIntent | undefined {
  const intent = intentFileOf(registryFile);
  if (!existsSync(intent)) return undefined;
  return readIntent(registryFile, intent, allowOutside);
}

/**
 * Finishes or undoes a change that a crash interrupted: one recorded as `committing` has all its
 * new files complete, and the rest are renamed into place; one still `prepared` replaced nothing,
 * and its temporary files are removed. Run under the registry's lock.
 */
export function recoverChange(registryFile: string, isAlive: (pid: number) => boolean, allowOutside = false): Recovery | undefined {
  const intent = intentFileOf(registryFile);
  removeDeadWritersFiles(intent, isAlive);
  if (!existsSync(intent)) return undefined;
  const record = readIntent(registryFile, intent, allowOutside);
  if (record.state === 'committing') {
    renameAll(record.files.filter((step) => existsSync(step.temporary)));
  } else {
    for (const step of record.files) rmSync(step.temporary, { force: true });
  }
  unlinkSync(intent);
  syncFolder(dirname(intent));
  removeDeadWritersFiles(registryFile, isAlive);
  return { outcome: record.state === 'committing' ? 'finished' : 'undone', files: record.files.map((step) => step.target) };
}

function renameAll(steps: readonly { target: string; temporary: string }[]): void {
  for (const step of steps) renameSync(step.temporary, step.target);
  for (const folder of new Set(steps.map((step) => dirname(step.target)))) syncFolder(folder);
}

/**
 * Reads and checks an intent record. A record is only followed when every file it names is inside
 * the registry's repository and every temporary file is one this program names beside its target:
 * a record someone committed or planted cannot move files elsewhere, unless the user allows it.
 */
function readIntent(registryFile: string, intent: string, allowOutside: boolean): ChangeIntent {
  const refuse = (why: string) =>
    new InputError(`${intent}: ${why}`, undefined, 'it is not a record this program wrote; look at it, and remove it if no change was being made');
  let record: Partial<ChangeIntent>;
  try {
    record = JSON.parse(readTextFile(intent, intent, 1048576)) as Partial<ChangeIntent>;
  } catch {
    throw refuse('an unreadable record of an interrupted change');
  }
  const root = repositoryRoot(registryFile);
  if ((record.state !== 'prepared' && record.state !== 'committing') || !Array.isArray(record.files)) throw refuse('not a change record');
  for (const step of record.files) {
    if (typeof step?.target !== 'string' || typeof step.temporary !== 'string' || !isTemporaryOf(step.target, step.temporary)) throw refuse('names a file that is not a temporary file beside its target');
    if (!allowOutside && !isInside(root, step.target)) {
      throw new InputError(`${intent}: the interrupted change names ${step.target}, outside the repository ${root}`, undefined, 'give --allow-outside-repo to finish it anyway');
    }
  }
  return record as ChangeIntent;
}
