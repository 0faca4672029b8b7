import { InputError } from '../core/errors.ts';
import type { CheckResult, Registry, RepoObservation } from '../core/types.ts';
import { displayPath } from '../registry/load.ts';
import { checkRegistry, type CheckOptions } from './check.ts';
import type { LiveOptions } from './live.ts';
import { interruptedChange } from './recover.ts';
import { readRegistry, scanRepository, type ScanOptions } from './registry.ts';

/** What `check` reads and which findings it keeps. */
export interface CheckRun {
  /** The registry file. */
  file: string;
  cwd: string;
  /** A GitOps repository to compare with the registry (the drift rules). */
  repo?: string;
  /** How the repository is read. */
  repoScan?: Pick<ScanOptions, 'exclude' | 'allowOutside'>;
  /** Called as the repository's files are read. */
  onRepoProgress?: (read: number, total: number) => void;
  /** Read the live clusters too, with these options (the registry is filled in). */
  live?: Omit<LiveOptions, 'registry'>;
  /** Which findings to keep. */
  filters?: Pick<CheckOptions, 'only' | 'clusters' | 'quiet'>;
  /** The registry already read, to check it without reading the file again. */
  registry?: Registry;
}

/** What `check` found, and whether the repository it read deployed no cluster at all. */
export interface CheckRunResult {
  result: CheckResult;
  registry: Registry;
  /** True when `repo` was read and no cluster's manifests were found in it. */
  emptyRepo: boolean;
}

/**
 * `check`: reads the registry (refusing one that a crash left halfway through a change), the
 * repository and the live clusters when asked, and runs every rule over them.
 */
export async function runCheck(run: CheckRun): Promise<CheckRunResult> {
  const registry = run.registry ?? readRegistry(run.file, run.cwd);
  refusePendingChange(run.file, registry, run.cwd);
  const filters = run.filters ?? {};
  const repoScan = run.repoScan ?? {};
  if (run.live) {
    // The Kubernetes client is large: it is loaded only when clusters are read.
    const { checkLive } = await import('./live.ts');
    const result = await checkLive({
      ...run.live,
      registry,
      ...(run.repo !== undefined ? { repo: run.repo, repoScan, ...(run.onRepoProgress ? { onRepoProgress: run.onRepoProgress } : {}) } : {}),
      check: filters,
    });
    return { result, registry, emptyRepo: false };
  }
  let observed: RepoObservation | undefined;
  if (run.repo !== undefined) observed = scanRepository(run.repo, { ...repoScan, registry, cwd: run.cwd, ...(run.onRepoProgress ? { onProgress: run.onRepoProgress } : {}) });
  const result = checkRegistry(registry, { ...(observed ? { observed } : {}), ...filters });
  return { result, registry, emptyRepo: observed !== undefined && observed.clusters.length === 0 };
}

/** A change that a crash interrupted leaves files that may disagree: check says so instead of checking them. */
function refusePendingChange(file: string, registry: Registry, cwd: string): void {
  const pending = interruptedChange(file);
  if (!pending) return;
  const files = pending.files.map((step) => displayPath(step.target, cwd)).join(', ');
  throw new InputError(
    pending.state === 'committing'
      ? `${registry.file}: a change of ${files} was interrupted halfway; these files may not agree`
      : `${registry.file}: a change of ${files} was interrupted before any file was replaced; its temporary files remain`,
    undefined,
    'run `portolan recover` to finish it (or to clean up), then check again',
  );
}
