import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileError, InputError } from '../core/errors.ts';
import type { Registry } from '../core/types.ts';
import { setNodePorts, type NodePortTarget } from '../manifests/node-port-edit.ts';
import { regenerateDocs } from './regenerate-docs.ts';
import { commitFiles, gitWorkTree, uncommittedFiles } from '../registry/git.ts';
import { displayPath, parseRegistry, type LoadOptions } from '../registry/load.ts';
import { writeTarget } from '../registry/atomic-write.ts';
import { containedPath, repositoryRoot } from '../registry/contain.ts';
import { isAlive, withFileLock, type LockHolder } from '../registry/lock.ts';
import { readTextFile } from '../registry/read-file.ts';
import { recoverChange, writeChange } from '../registry/transaction.ts';
import { editYamlWithExcerpt, type YamlEdit } from '../yaml/yaml-edit.ts';
import { unifiedDiff } from '../reporters/line-diff.ts';

/** What a command decided to change, given the registry as it is inside the lock. */
export interface Decision<T> {
  /** What the command reports: the ports allocated, moved, released or reserved. */
  result: T;
  edits: YamlEdit[];
  /** The commit message's first line: what changed. */
  subject: string;
  /** The commit message's body: why. */
  body: string[];
  /** The node ports to set in the manifests given with --manifest. */
  manifest?: Omit<NodePortTarget, 'valuesPath'>;
}

/** Decides a change from the registry as it is (its model and its text), inside the lock. */
export type Decide<T> = (registry: Registry, text: string) => Decision<T>;

/** A change to make: how to decide it, and how to carry it out. */
export interface RegistryChange<T> {
  decide: Decide<T>;
  options: ChangeOptions;
}

/** How to carry out a change. */
export interface ChangeOptions {
  /** Decide and report, but write nothing. */
  dryRun: boolean;
  /** With dryRun: give each file's unified diff in the outcome's `diffs`. */
  preview?: boolean;
  /** Commit the changed files with git. */
  commit: boolean;
  /** Manifest files whose node ports follow the change. */
  manifests: readonly string[];
  /** For a HelmRelease manifest, where its node port is under spec.values. */
  valuesPath?: string;
  ruleIds: readonly string[];
  cwd: string;
  /** Let the manifests and the document lie outside the registry's repository (the user said so on the command line). */
  allowOutside?: boolean;
  lockTimeoutMs?: number;
  /** Called once when another process holds the lock. */
  onWait?: (holder: LockHolder | undefined) => void;
}

/** What a change did. */
export interface ChangeOutcome<T> {
  result: T;
  /** Files written, or that would be written in a dry run, as shown to people. */
  files: string[];
  /** What changed in each manifest. */
  manifestChanges: string[];
  /** The new commit's id, when one was made. */
  commit?: string;
  /** Why something asked for did not happen (no git, a dirty file, no document renderer). */
  notes: string[];
  /** With dryRun and preview: each file's unified diff, as it would be written. */
  diffs?: { file: string; diff: string }[];
}

/**
 * The seed's procedure as one step: under the registry's lock, read it, decide, edit the
 * registry, set the manifests' node ports, regenerate the port document, write every file
 * atomically, and commit exactly those files.
 */
export async function changeRegistry<T>(file: string, decide: Decide<T>, options: ChangeOptions): Promise<ChangeOutcome<T>> {
  const run = () => {
    const recovered = options.dryRun ? undefined : recoverChange(file, isAlive, options.allowOutside === true);
    const outcome = applyChange(file, decide, options);
    if (recovered) outcome.notes.unshift(`${recovered.outcome === 'finished' ? 'finished' : 'undid'} a change that was interrupted: ${recovered.files.map((f) => displayPath(f, options.cwd)).join(', ')}`);
    return outcome;
  };
  return options.dryRun ? run() : withFileLock(file, run, { ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}), ...(options.onWait ? { onWait: options.onWait } : {}) });
}

function applyChange<T>(file: string, decide: Decide<T>, options: ChangeOptions): ChangeOutcome<T> {
  const shown = (path: string) => displayPath(path, options.cwd);
  const loadOptions = { ruleIds: options.ruleIds, cwd: options.cwd };
  const text = readTextFile(file, shown(file));
  const registry = parseRegistry(shown(file), text, loadOptions);
  const decision = decide(registry, text);
  const notes: string[] = [];
  const writes = new Map<string, string>();
  const befores = new Map<string, string>([[file, text]]);

  // Nothing in a registry refers to a service entry by its lines: untouched ones need no second look.
  const { text: edited, excerpt } = editYamlWithExcerpt(text, decision.edits, { leaveOut: ['services'] });
  // The registry as edited is read again only for the port document; otherwise the excerpt (the
  // edited entries and every top-level key but the untouched entries) is enough to check it.
  const after = registry.docs === undefined && excerpt !== undefined && validExcerpt(shown(file), excerpt, loadOptions) ? undefined : editedRegistry(shown(file), edited, loadOptions);
  if (edited !== text) writes.set(file, edited);

  const manifestChanges: string[] = [];
  for (const manifest of options.manifests) {
    if (!decision.manifest) break;
    const path = options.allowOutside ? resolve(options.cwd, manifest) : containedPath(manifest, options.cwd, repositoryRoot(file), { name: '--manifest' });
    const before = readTextFile(path, shown(path));
    const change = setNodePorts(shown(path), before, { ...decision.manifest, ...(options.valuesPath ? { valuesPath: options.valuesPath } : {}) });
    manifestChanges.push(...change.changes.map((line) => `${shown(path)}: ${line}`));
    notes.push(...change.warnings);
    if (change.text !== before) writes.set(path, change.text);
    befores.set(path, before);
  }

  const docs = after ? documentWrite(file, after, options.allowOutside === true, shown) : undefined;
  if (docs?.changed) {
    writes.set(docs.file, docs.text);
    befores.set(docs.file, docs.before);
  }

  const files = [...writes.keys()];
  const outcome: ChangeOutcome<T> = { result: decision.result, files: files.map(shown), manifestChanges, notes };
  if (options.dryRun && options.preview) outcome.diffs = files.map((path) => ({ file: shown(path), diff: unifiedDiff(befores.get(path)!, writes.get(path)!, { before: shown(path), after: `${shown(path)} (after)` }) }));
  if (options.dryRun || files.length === 0) return outcome;

  // Look at git before writing: a file that already had changes must not be committed with ours.
  // Git tracks a symlink's target as its own file: commit the files the change writes.
  const committed = files.map(writeTarget);
  const refusal = options.commit ? commitRefusal(file, committed, docs ? writeTarget(docs.file) : undefined, shown) : undefined;
  writeFiles(file, writes, shown);
  if (!options.commit) return outcome;
  if (typeof refusal === 'string') {
    notes.push(`not committed: ${refusal}`);
    return outcome;
  }
  try {
    outcome.commit = commitFiles(refusal!.root, committed, [decision.subject, '', ...decision.body].join('\n'));
  } catch (error) {
    notes.push(`not committed: git commit failed: ${String((error as { stderr?: string }).stderr ?? error).trim()}`);
  }
  return outcome;
}

/** The port document regenerated from `registry` when it names one, and whether it differs from the file on disk. */
export function documentWrite(file: string, registry: Registry, allowOutside: boolean, shown: (path: string) => string): { file: string; text: string; changed: boolean; before: string } | undefined {
  const docs = regenerateDocs(file, registry, { allowOutside });
  if (!docs) return undefined;
  // A document checked out with Windows line ends (git's autocrlf) keeps them.
  const current = existsSync(docs.file) ? readTextFile(docs.file, shown(docs.file)) : undefined;
  // The regenerated document already keeps the line ends of the one on disk.
  return { ...docs, changed: current !== docs.text, before: current ?? '' };
}

/** Writes the files of one change in one transaction; a write the disk refuses is told as the user's file error. */
export function writeFiles(file: string, writes: ReadonlyMap<string, string>, shown: (path: string) => string): void {
  try {
    writeChange(file, writes);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const path = (error as NodeJS.ErrnoException).path;
    throw fileError(path ? shown(path) : [...writes.keys()].map(shown).join(', '), error, 'its folder must exist and be writable, with room on its disk; nothing was changed');
  }
}

/** The registry as edited; an edit that would leave it invalid is a bug, told with the registry's own complaint. */
export function editedRegistry(file: string, edited: string, options: LoadOptions): Registry {
  try {
    return parseRegistry(file, edited, options);
  } catch (error) {
    throw new Error(`the edit would leave ${file} invalid`, { cause: error });
  }
}

/** Whether the excerpt of an edited registry reads as a valid registry; when not, the whole file says why, with its own lines. */
function validExcerpt(file: string, excerpt: string, options: LoadOptions): boolean {
  return excerptRegistry(file, excerpt, options) !== undefined;
}

/** The excerpt of an edited registry read as a registry (its lines are not the file's), or undefined when it does not validate on its own. */
export function excerptRegistry(file: string, excerpt: string, options: LoadOptions): Registry | undefined {
  try {
    return parseRegistry(file, excerpt, options);
  } catch {
    return undefined;
  }
}

/** Why the change cannot be committed, or the work tree to commit in. */
export function commitRefusal(registryFile: string, files: string[], docsFile: string | undefined, shown: (path: string) => string): string | { root: string } {
  const tree = gitWorkTree(dirname(registryFile));
  if ('missing' in tree) return tree.missing;
  // A document file that does not exist yet is ours entirely; any other changed or untracked file is someone's work.
  const watched = files.filter((path) => !(path === docsFile && !existsSync(path)));
  let dirty: ReturnType<typeof uncommittedFiles>;
  try {
    dirty = uncommittedFiles(tree.root, watched);
  } catch (error) {
    return `git status failed: ${String((error as { stderr?: string }).stderr ?? error).trim()}`;
  }
  if (dirty.length > 0) {
    const which = dirty.map((d) => `${shown(resolve(tree.root, d.file))} ${d.status === '??' ? 'is not tracked by git' : 'has uncommitted changes'}`);
    return `${which.join('; ')}; commit or stash them first`;
  }
  return tree;
}
