import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** A file shipped in Portolan's package (dist/ui/app.js, docs/rules/port-conflict.md), from the sources or the bundle alike. */
export function packageFile(...parts: string[]): string {
  if (root === undefined) {
    // src/engine/ from the sources, dist/ or dist/chunks/ from the bundle: the package.json above says where the package is.
    let folder = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
    root = folder;
  }
  return join(root, ...parts);
}
