import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileError } from '../core/errors.ts';
import type { Registry, RepoObservation } from '../core/types.ts';
import { writeFileAtomic as replaceFile } from '../registry/atomic-write.ts';
import { findRegistry, loadRegistry, REGISTRY_FILE } from '../registry/load.ts';
import { ruleIds } from '../rules/index.ts';
import { DEFAULT_EXCLUDES, scanRepo, type ScanOptions } from '../sources/gitops-repo/index.ts';

export { displayPath, REGISTRY_FILE } from '../registry/load.ts';
export { registryJsonSchema } from '../registry/schema.ts';
export { readTextFile } from '../registry/read-file.ts';
export { DEFAULT_EXCLUDES } from '../sources/gitops-repo/index.ts';
export type { ScanOptions } from '../sources/gitops-repo/index.ts';

/** The registry file named by `path`, or the nearest portolan.yaml from `cwd` up. */
export function registryFileOf(path: string | undefined, cwd: string): string {
  return findRegistry(path, cwd);
}

/** Reads and validates a registry file, with every rule id known (for `ignore:` entries). */
export function readRegistry(file: string, cwd: string): Registry {
  return loadRegistry(file, { ruleIds, cwd });
}

/** What a GitOps repository deploys, per cluster, read with the registry's clusters and excludes when it has one. */
export function scanRepository(dir: string, options: Omit<ScanOptions, 'cwd'> & { cwd: string }): RepoObservation {
  return scanRepo(dir, options);
}

/** The registry a repository scan uses: the one named (`--registry`), or DIR's own portolan.yaml; none otherwise. */
export function scanRegistry(dir: string, named: string | undefined, cwd: string): Registry | undefined {
  const inside = join(resolve(cwd, dir), REGISTRY_FILE);
  if (named === undefined && !existsSync(inside)) return undefined;
  return readRegistry(findRegistry(named ?? inside, cwd), cwd);
}

/** The globs a scan leaves out: the registry's `scan.exclude` (or the default list), then more. */
export function scanExcludes(registry: Registry | undefined, more: readonly string[] = []): string[] {
  return [...(registry?.scanExclude ?? DEFAULT_EXCLUDES), ...more];
}

/**
 * Writes `text` to `file` through a flushed temporary file in the same folder and a rename, so a
 * failed write never leaves half a file behind; a symlink is written through. A file that cannot
 * be written is an InputError.
 */
export function writeFileAtomic(file: string, text: string, shown = file): void {
  try {
    replaceFile(file, text);
  } catch (error) {
    // The temporary file is removed by the atomic write itself when it fails.
    throw fileError(shown, error, 'its folder must exist and be writable, with room on its disk; nothing was changed');
  }
}
