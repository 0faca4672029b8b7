import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Registry } from '../core/types.ts';
import { readTextFile } from '../registry/read-file.ts';
import { displayPath, parseRegistry } from '../registry/load.ts';
import { ruleIds } from '../rules/index.ts';
import { keepClaims } from './claims.ts';

/** The registry as a long-running door holds it: parsed once, with a version for ETag and If-Match. */
export interface HeldRegistry {
  registry: Registry;
  /** A strong ETag of the file's bytes, quoted as HTTP wants it. */
  etag: string;
}

/** The registry's text and model as a change is decided against them. */
export interface HeldText {
  registry: Registry;
  text: string;
  /** False when the model was changed in memory: its entries are right, but its lines are those of the entries' own excerpts. */
  placed: boolean;
}

/** What the cache did to the file, counted: how often it read it and how often it parsed a whole registry. */
export interface CacheWork {
  reads: number;
  parses: number;
}

interface Held extends HeldRegistry, HeldText {}

/**
 * A file written within this many milliseconds may be changed again without its size, times or
 * inode showing it (the clock that stamps files ticks coarsely): its bytes are compared too.
 */
const RACY_MS = 2_000;

/**
 * Keeps a registry file in memory for a server: answers from memory, and reads the file again only
 * when its size, modification time or inode say that something (a `git pull`, the CLI) changed it.
 * A file that stops parsing keeps the last good registry and counts a failed reload. The server's
 * own writes are adopted (text and model), so they are never read back.
 */
export class RegistryCache {
  private held: Held | undefined;
  private stamp = '';
  private failure: unknown;
  /** How many times the file was read again after it changed, and how many of those failed. */
  readonly reloads = { ok: 0, failed: 0 };
  /** Every read of the file and every parse of a whole registry, for tests that count work. */
  readonly work: CacheWork = { reads: 0, parses: 0 };

  constructor(
    readonly file: string,
    private readonly cwd: string,
  ) {}

  /** The registry as the file is now; throws the file's own error when it never parsed. */
  current(): HeldRegistry {
    const stamp = stampOf(this.file);
    if (this.held === undefined || stamp.key !== this.stamp) this.reload(stamp.key);
    if (this.held === undefined) throw this.failure;
    if (!this.held.placed) this.place(this.held);
    return this.held;
  }

  /** The error of the last reload when the file no longer parses, else undefined. */
  lastFailure(): unknown {
    return this.failure;
  }

  /**
   * The registry to decide a change against, called under the registry's lock: the one held when
   * the file is still the one held (size, times and inode, and its bytes when it was written a
   * moment ago), else the file read again. Throws the file's error when it does not parse now.
   */
  forChange(): HeldText {
    const stamp = stampOf(this.file);
    if (this.held !== undefined && stamp.key === this.stamp && Date.now() - stamp.mtimeMs < RACY_MS) {
      const text = this.read();
      if (etagOf(text) !== this.held.etag) this.reload(stamp.key, text);
    } else if (this.held === undefined || stamp.key !== this.stamp) this.reload(stamp.key);
    if (this.failure !== undefined || this.held === undefined) throw this.failure;
    const { registry, text, placed } = this.held;
    return { registry, text, placed };
  }

  /**
   * Holds what the server itself just wrote to the file, under the lock, so that it is not read
   * back: the text, and its model (`placed` false when the model was changed in memory, whose
   * lines are then found again from the text on the next read that shows them).
   */
  adopt(text: string, registry: Registry, placed: boolean): void {
    this.held = { registry, text, etag: etagOf(text), placed };
    this.stamp = stampOf(this.file).key;
    this.failure = undefined;
  }

  /** Counts a whole-registry parse made on the cache's behalf (the writer's, for a document or a model it cannot patch). */
  counted(parse: () => Registry): Registry {
    this.work.parses++;
    return keepClaims(parse());
  }

  private read(): string {
    this.work.reads++;
    return readTextFile(this.file, displayPath(this.file, this.cwd));
  }

  private parse(text: string): Registry {
    this.work.parses++;
    return keepClaims(parseRegistry(displayPath(this.file, this.cwd), text, { ruleIds, cwd: this.cwd }));
  }

  /** The model parsed again from the held text (not the file), for the lines of every entry. */
  private place(held: Held): void {
    held.registry = this.parse(held.text);
    held.placed = true;
  }

  private reload(stamp: string, text?: string): void {
    const first = this.held === undefined;
    try {
      const read = text ?? this.read();
      const registry = this.parse(read);
      this.held = { registry, text: read, etag: etagOf(read), placed: true };
      this.failure = undefined;
      if (!first) this.reloads.ok++;
    } catch (error) {
      this.failure = error;
      if (!first) this.reloads.failed++;
    }
    this.stamp = stamp;
  }
}

function stampOf(file: string): { key: string; mtimeMs: number } {
  try {
    const stat = statSync(file);
    return { key: `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`, mtimeMs: stat.mtimeMs };
  } catch {
    return { key: 'missing', mtimeMs: 0 };
  }
}

/** The strong ETag of a registry file's text. */
export function etagOf(text: string): string {
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}
