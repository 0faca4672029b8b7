import type { Registry } from '../../core/types.ts';
import type { FluxRoot } from './flux.ts';
import { globPattern } from './globs.ts';

/** Where a cluster's manifests start, and how the scan knew (for `scan` to say). */
export interface ClusterRoot {
  paths: string[];
  how: string[];
}

/** A `clusters/NAME` folder at the top of the repository or one level down (`kubernetes/clusters/NAME`). */
const CLUSTER_FOLDER = /^(?:[^/]+\/)?clusters\/([^/]+)$/;

/** Folders and files, as POSIX paths relative to the repository. */
export interface Paths {
  folders: ReadonlySet<string>;
  files: readonly string[];
}

/**
 * Each cluster's root paths. The registry's `clusters.NAME.paths` come first (matched against
 * `all`, what is left out included: a path the registry names is meant); otherwise a cluster is
 * found by what its folder holds among `scanned`: a Flux root (`flux-system/gotk-sync.yaml`, at
 * any depth), or a `clusters/NAME` folder at the top or one level down. With a registry, only its
 * clusters count.
 */
export function clusterRoots(scanned: Paths, all: Paths, fluxRoots: readonly FluxRoot[], registry: Registry | undefined): Map<string, ClusterRoot> {
  const { folders } = scanned;
  const found = new Map<string, ClusterRoot>();
  const add = (cluster: string, path: string, how: string) => {
    const root = found.get(cluster);
    if (!root) found.set(cluster, { paths: [path], how: [how] });
    else if (!root.paths.includes(path)) {
      root.paths.push(path);
      root.how.push(how);
    }
  };
  for (const root of fluxRoots) add(root.cluster, root.folder, `Flux root ${root.file}`);
  const fluxFolders = new Set(fluxRoots.map((root) => root.folder));
  for (const folder of [...folders].sort()) {
    const match = CLUSTER_FOLDER.exec(folder);
    if (match && !fluxFolders.has(folder)) add(match[1]!, folder, `folder ${folder}`);
  }
  if (!registry) return found;
  const roots = new Map<string, ClusterRoot>();
  for (const cluster of registry.clusters) {
    if (cluster.paths) {
      const patterns = cluster.paths.map(globPattern);
      const matched = [...all.folders, ...all.files].filter((path) => patterns.some((p) => p.test(path)));
      const top = matched.filter((path) => !matched.some((other) => other !== path && path.startsWith(`${other}/`)));
      roots.set(cluster.name, { paths: top, how: ['registry paths'] });
    } else {
      const discovered = found.get(cluster.name);
      if (discovered) roots.set(cluster.name, discovered);
    }
  }
  return roots;
}
