import { dirname, resolve } from 'node:path';
import type { Registry } from '../core/types.ts';
import { portDocument } from '../reporters/port-document.ts';
import { checkRegistry } from './check.ts';
import { containedPath, repositoryRoot } from '../registry/contain.ts';

/** The port document to write after a registry change. */
export type DocsUpdate = { file: string; text: string };

/**
 * Regenerates the document the registry names (`docs: PATH`, relative to the registry's folder),
 * as `portolan docs --write` would; undefined when it names none.
 */
export function regenerateDocs(registryFile: string, registry: Registry, options: { allowOutside?: boolean } = {}): DocsUpdate | undefined {
  const file = docsFile(registryFile, registry, options);
  return file === undefined ? undefined : { file, text: portDocument(registry, checkRegistry(registry)) };
}

/**
 * The path of the document the registry names, relative to the registry's folder; refused (an
 * InputError at `docs:`) when it leaves the registry's repository, unless `allowOutside`.
 */
export function docsFile(registryFile: string, registry: Registry, options: { allowOutside?: boolean } = {}): string | undefined {
  if (registry.docs === undefined) return undefined;
  const folder = dirname(resolve(registryFile));
  if (options.allowOutside) return resolve(folder, registry.docs);
  return containedPath(registry.docs, folder, repositoryRoot(registryFile), { name: 'docs', ...(registry.docsAt ? { at: registry.docsAt } : {}) });
}
