import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { Location } from '../core/types.ts';
import { gitWorkTree } from './git.ts';

const roots = new Map<string, string>();

/**
 * The folder that the paths a registry names must stay inside: the top of the Git work tree that
 * holds the registry, or the registry's own folder outside Git. Symlinks in it are resolved.
 */
export function repositoryRoot(registryFile: string): string {
  const folder = dirname(resolve(registryFile));
  let root = roots.get(folder);
  if (root === undefined) {
    const tree = gitWorkTree(folder);
    const top = 'root' in tree ? tree.root : folder;
    root = realPath(top) ?? top;
    roots.set(folder, root);
  }
  return root;
}

/** What a contained path is, for its message: `docs`, `clusters.lab.kindConfig`, `--manifest`. */
export interface PathOrigin {
  /** How the path is named in messages. */
  name: string;
  at?: Location;
}

/**
 * `named` resolved against `base`, when it stays inside `root` both as written and once every
 * symlink on the way is followed; an InputError naming the path and the root otherwise.
 */
export function containedPath(named: string, base: string, root: string, origin: PathOrigin): string {
  const full = resolve(base, named);
  const real = realPath(full);
  if (real === undefined || !isInside(root, real)) {
    const how = real === undefined ? 'is a symlink to nothing' : isInside(root, full) ? `leads outside the repository ${root} through a symlink` : `leaves the repository ${root}`;
    throw new InputError(`${origin.name} ${named} ${how}`, origin.at, 'name a file inside the repository, or give --allow-outside-repo on the command line to allow it');
  }
  return full;
}

/** True when `path` is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * `path` with every symlink followed; for a path that does not exist yet, its nearest existing
 * folder's real path with the rest added. Undefined for a symlink whose target does not exist.
 */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    try {
      if (lstatSync(path).isSymbolicLink()) return undefined;
    } catch {
      // it does not exist
    }
    const parent = dirname(path);
    if (parent === path) return path;
    const real = realPath(parent);
    return real === undefined ? undefined : join(real, basename(path));
  }
}
