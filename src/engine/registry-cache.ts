import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Registry } from '../core/types.ts';
import { readTextFile } from '../registry/read-file.ts';
import { displayPath, parseRegistry } from '../registry/load.ts';
import { ruleIds } from '../rules/index.ts';

/** The registry as a long-running door holds it: parsed once, with a version for ETag and If-Match. */
export interface HeldRegistry {
  registry: Registry;
  /** A strong ETag of the file's bytes, quoted as HTTP wants it. */
  etag: string;
}

/**
 * Keeps a registry file in memory for a server: answers from memory, and reads the file again only
 * when its size, modification time or inode say that something (a `git pull`, the CLI) changed it.
 * A file that stops parsing keeps the last good registry and counts a failed reload.
 */
export class RegistryCache {
  private held: HeldRegistry | undefined;
  private stamp = '';
  private failure: unknown;
  /** How many times the file was read again after it changed, and how many of those failed. */
  readonly reloads = { ok: 0, failed: 0 };

  constructor(
    readonly file: string,
    private readonly cwd: string,
  ) {}

  /** The registry as the file is now; throws the file's own error when it never parsed. */
  current(): HeldRegistry {
    const stamp = this.stampOf();
    if (this.held === undefined || stamp !== this.stamp) this.reload(stamp);
    if (this.held === undefined) throw this.failure;
    return this.held;
  }

  /** The error of the last reload when the file no longer parses, else undefined. */
  lastFailure(): unknown {
    return this.failure;
  }

  private stampOf(): string {
    try {
      const stat = statSync(this.file);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  private reload(stamp: string): void {
    const first = this.held === undefined;
    try {
      const shown = displayPath(this.file, this.cwd);
      const text = readTextFile(this.file, shown);
      const registry = parseRegistry(shown, text, { ruleIds, cwd: this.cwd });
      this.held = { registry, etag: etagOf(text) };
      this.failure = undefined;
      if (!first) this.reloads.ok++;
    } catch (error) {
      this.failure = error;
      if (!first) this.reloads.failed++;
    }
    this.stamp = stamp;
  }
}

/** The strong ETag of a registry file's text. */
export function etagOf(text: string): string {
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}
