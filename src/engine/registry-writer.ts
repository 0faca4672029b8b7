import { inputErrorsOf } from '../core/errors.ts';
import type { Registry } from '../core/types.ts';
import { ruleIds } from '../rules/index.ts';
import { commitFiles } from '../registry/git.ts';
import { displayPath } from '../registry/load.ts';
import { writeTarget } from '../registry/atomic-write.ts';
import { isAlive, withFileLock } from '../registry/lock.ts';
import { recoverChange } from '../registry/transaction.ts';
import { editYamlWithExcerpt, type EditedYaml, type YamlEdit } from '../yaml/yaml-edit.ts';
import { unifiedDiff } from '../reporters/line-diff.ts';
import { commitRefusal, documentWrite, editedRegistry, excerptRegistry, writeFiles, type ChangeOptions, type ChangeOutcome, type Decision, type RegistryChange } from './change.ts';
import { keepClaims } from './claims.ts';
import type { HeldText, RegistryCache } from './registry-cache.ts';

/** What a writer did, counted: batches taken under the lock, and transactions written. */
export interface WriterWork {
  batches: number;
  transactions: number;
}

interface Queued {
  change: RegistryChange<unknown>;
  resolve: (outcome: ChangeOutcome<unknown>) => void;
  reject: (error: unknown) => void;
}

/** A decided change waiting for the transaction that writes it. */
interface Decided extends Queued {
  decision: Decision<unknown>;
  outcome: ChangeOutcome<unknown>;
}

/**
 * A server's one writer to its registry, over the registry it holds in memory. Changes asked for
 * while a batch is being written wait, and are then taken together under the registry's lock
 * (group commit): each is decided in turn against the held registry as the ones before it left it,
 * applied to its text and model in memory, and the batch is written in one transaction; each
 * caller gets its own result once the transaction that holds it is on disk. With `commit`, each
 * change is written and committed on its own, one after the other. Before each batch the file is
 * checked to be the one held (size, times, inode, and its bytes when just written); when another
 * process (the CLI, a `git pull`) changed it, it is read again before anything is decided.
 */
export class RegistryWriter {
  private queue: Queued[] = [];
  private writing = false;
  /** Batches and transactions so far, for tests that count work. */
  readonly work: WriterWork = { batches: 0, transactions: 0 };

  constructor(
    private readonly cache: RegistryCache,
    private readonly options: { cwd: string; lockTimeoutMs?: number },
  ) {}

  /** Carries out one change after the ones queued before it; resolves once it is written (or decided, for a dry run). */
  submit<T>(change: RegistryChange<T>): Promise<ChangeOutcome<T>> {
    return new Promise<ChangeOutcome<T>>((resolve, reject) => {
      this.queue.push({ change: change as RegistryChange<unknown>, resolve: resolve as (outcome: ChangeOutcome<unknown>) => void, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        // Let the requests that have already arrived queue their changes first: they join this batch.
        // The event loop takes one new connection a turn, and a batch holds its turn while it writes:
        // turns go by until one adds nothing to the queue (16 at most), so that clients connecting
        // meanwhile are let in instead of waiting a batch each.
        for (let turns = 0, seen = -1; turns < 16 && seen !== this.queue.length; turns++) {
          seen = this.queue.length;
          await new Promise((resolve) => setImmediate(resolve));
        }
        const batch = this.queue.splice(0);
        try {
          await withFileLock(this.cache.file, () => this.write(batch), this.options.lockTimeoutMs !== undefined ? { timeoutMs: this.options.lockTimeoutMs } : {});
        } catch (error) {
          // The lock was not had, or the file could not be read: nothing of the batch was decided.
          for (const queued of batch) queued.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** One batch, under the lock. A change that is refused is answered with its error; the others go on. */
  private write(batch: Queued[]): void {
    const file = this.cache.file;
    const shown = (path: string) => displayPath(path, this.options.cwd);
    this.work.batches++;
    const recovered = batch.every((q) => q.change.options.dryRun) ? undefined : recoverChange(file, isAlive, false);
    let held: HeldText = this.cache.forChange();
    let written = held;
    let group: Decided[] = [];
    const flush = () => {
      if (group.length === 0) return;
      const decided = group;
      group = [];
      try {
        const placed = this.writeGroup(decided, held, written.text, shown);
        held = { ...held, ...placed };
        written = held;
      } catch (error) {
        for (const d of decided) d.reject(error);
        held = written;
      }
    };
    for (const queued of batch) {
      const { options } = queued.change;
      let next: HeldText;
      let decision: Decision<unknown>;
      try {
        if (options.manifests.length > 0) throw new Error('a held registry does not edit manifests');
        try {
          decision = queued.change.decide(held.registry, held.text);
        } catch (error) {
          if (held.placed || inputErrorsOf(error).length === 0) throw error;
          // A refusal points at the registry's lines, which a model changed in memory does not know:
          // decide again on the held text read whole, so that the error names the line in the file.
          const text = held.text;
          held = { text, registry: this.cache.counted(() => editedRegistry(shown(file), text, { ruleIds: options.ruleIds, cwd: options.cwd })), placed: true };
          if (written.text === text) written = held;
          decision = queued.change.decide(held.registry, held.text);
        }
        const edited = editYamlWithExcerpt(held.text, decision.edits, { leaveOut: ['services'], byEntries: true });
        next = edited.text === held.text ? held : { text: edited.text, ...this.nextRegistry(held.registry, edited, decision.edits, shown(file), options) };
      } catch (error) {
        queued.reject(error);
        continue;
      }
      const outcome: ChangeOutcome<unknown> = { result: decision.result, files: next.text !== held.text ? [shown(file)] : [], manifestChanges: [], notes: [] };
      if (recovered) {
        outcome.notes.push(`${recovered.outcome === 'finished' ? 'finished' : 'undid'} a change that was interrupted: ${recovered.files.map(shown).join(', ')}`);
      }
      if (options.dryRun) {
        const docs = next.registry.docs !== undefined ? this.document(next, shown).write : undefined;
        if (docs?.changed) outcome.files.push(shown(docs.file));
        if (options.preview) {
          const diff = (name: string, before: string, after: string) => ({ file: name, diff: unifiedDiff(before, after, { before: name, after: `${name} (after)` }) });
          outcome.diffs = [...(next.text !== held.text ? [diff(shown(file), held.text, next.text)] : []), ...(docs?.changed ? [diff(shown(docs.file), docs.before, docs.text)] : [])];
        }
        queued.resolve(outcome);
        continue;
      }
      held = next;
      group.push({ ...queued, decision, outcome });
      if (options.commit) flush();
    }
    flush();
  }

  /** The model after an edit: the held one with the edited entries read from the excerpt, or the whole edited text parsed when that cannot be. */
  private nextRegistry(registry: Registry, edited: EditedYaml, edits: readonly YamlEdit[], file: string, options: ChangeOptions): { registry: Registry; placed: boolean } {
    const loadOptions = { ruleIds: options.ruleIds, cwd: options.cwd };
    // The mesh names services across the file: a registry with one is read whole.
    const part = edited.excerpt !== undefined && registry.mesh === undefined ? excerptRegistry(file, edited.excerpt, loadOptions) : undefined;
    if (part && part.mesh === undefined) return { registry: patched(registry, part, edits), placed: false };
    return { registry: this.cache.counted(() => editedRegistry(file, edited.text, loadOptions)), placed: true };
  }

  /** The port document regenerated from the registry as `held` has it, its model parsed whole first when it was patched. */
  private document(held: HeldText, shown: (path: string) => string) {
    const registry = held.placed ? held.registry : this.cache.counted(() => editedRegistry(shown(this.cache.file), held.text, { ruleIds, cwd: this.options.cwd }));
    return { write: documentWrite(this.cache.file, registry, false, shown), registry };
  }

  /** Writes the decided changes in one transaction (and commits it), then answers them; returns the model as written. */
  private writeGroup(decided: Decided[], held: HeldText, before: string, shown: (path: string) => string): { registry: Registry; placed: boolean } {
    const file = this.cache.file;
    const writes = new Map<string, string>();
    if (held.text !== before) writes.set(file, held.text);
    let { registry, placed } = held;
    if (registry.docs !== undefined) {
      const docs = this.document(held, shown);
      registry = docs.registry;
      placed = true;
      if (docs.write?.changed) {
        writes.set(docs.write.file, docs.write.text);
        for (const d of decided) d.outcome.files.push(shown(docs.write.file));
      }
    }
    if (writes.size === 0) {
      for (const d of decided) d.resolve(d.outcome);
      return { registry, placed };
    }
    const commit = decided.length === 1 && decided[0]!.change.options.commit;
    const committed = [...writes.keys()].map(writeTarget);
    const docsFile = registry.docs !== undefined ? [...writes.keys()].find((path) => path !== file) : undefined;
    const refusal = commit ? commitRefusal(file, committed, docsFile ? writeTarget(docsFile) : undefined, shown) : undefined;
    writeFiles(file, writes, shown);
    this.work.transactions++;
    this.cache.adopt(held.text, registry, placed);
    for (const d of decided) {
      if (commit) {
        if (typeof refusal === 'string') d.outcome.notes.push(`not committed: ${refusal}`);
        else {
          try {
            d.outcome.commit = commitFiles(refusal!.root, committed, [d.decision.subject, '', ...d.decision.body].join('\n'));
          } catch (error) {
            d.outcome.notes.push(`not committed: git commit failed: ${String((error as { stderr?: string }).stderr ?? error).trim()}`);
          }
        }
      }
      d.resolve(d.outcome);
    }
    return { registry, placed };
  }
}

/**
 * The held registry with the entries an edit touched taken from its excerpt: every top-level key
 * as the excerpt reads, the services in file order with the edited ones replaced, the new ones
 * where the edit put them and the deleted ones gone, and the untouched services' ignore entries kept.
 */
function patched(registry: Registry, part: Registry, edits: readonly YamlEdit[]): Registry {
  const fresh = new Map(part.services.map((service) => [service.name, service]));
  const gone = new Set(edits.filter((e) => e.op === 'delete' && e.path.length === 2 && e.path[0] === 'services').map((e) => e.path[1]));
  const services = [];
  for (const service of registry.services) {
    if (gone.has(service.name)) continue;
    services.push(fresh.get(service.name) ?? service);
    fresh.delete(service.name);
  }
  for (const service of fresh.values()) {
    const edit = edits.find((e) => e.op === 'set' && e.path.length === 2 && e.path[0] === 'services' && e.path[1] === service.name);
    const after = edit?.op === 'set' && edit.after !== undefined ? services.findIndex((s) => s.name === edit.after) : -1;
    if (after === -1) services.push(service);
    else services.splice(after + 1, 0, service);
  }
  const touched = new Set([...part.services.map((s) => s.name), ...gone]);
  const ignores = [...part.ignores.filter((i) => i.service === undefined), ...registry.ignores.filter((i) => i.service !== undefined && !touched.has(i.service)), ...part.ignores.filter((i) => i.service !== undefined)];
  return keepClaims({ ...part, services, ignores });
}
