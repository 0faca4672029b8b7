import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** A file shipped in Portolan's package (dist/ui/app.js, docs/rules/port-conflict.md), from the sources or the bundle alike. */
export function packageFile(...parts: string[]): string {
  if (root === undefined) {
    // src/engine/ from the sources, dist/ or dist/chunks/ from the bundle: the package.json above says where the package is.
    // The single executable (a CommonJS bundle) has no module URL and ships no such files: it looks beside itself.
    const url: unknown = import.meta.url;
    let folder = typeof url === 'string' ? dirname(fileURLToPath(url)) : dirname(process.execPath);
    while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
    root = folder;
  }
  return join(root, ...parts);
}
