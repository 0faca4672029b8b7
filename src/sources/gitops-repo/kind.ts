import { basename, dirname, resolve } from 'node:path';
import type { Registry } from '../../core/types.ts';

/**
 * The cluster a kind config (at `file`, absolute) creates: the registry cluster whose
 * `kindConfig` it is, else `holder` (the cluster whose root holds the file), else the registry's
 * cluster of the config's own `name`, else that name, else the file's name (`kind-forge.yaml`,
 * `forge-config.yaml` create forge).
 */
export function kindClusterOf(registry: Registry | undefined, cwd: string, file: string, holder: string | undefined, ownName: string | undefined): string {
  const registryFolder = registry ? dirname(resolve(cwd, registry.file)) : undefined;
  const named = registry?.clusters.find((c) => c.kindConfig !== undefined && resolve(registryFolder!, c.kindConfig) === file);
  return (
    named?.name ??
    holder ??
    registry?.clusters.find((c) => c.name === ownName)?.name ??
    ownName ??
    basename(file).replace(/\.ya?ml$/, '').replace(/^kind-|-kind$|-?config$/g, '')
  );
}
