import { dirname, resolve } from 'node:path';
import type { Registry } from '../core/types.ts';
import { portDocument } from '../reporters/port-document.ts';
import { checkRegistry } from './check.ts';

/** The port document to write after a registry change. */
export type DocsUpdate = { file: string; text: string };

/**
 * Regenerates the document the registry names (`docs: PATH`, relative to the registry's folder),
 * as `portolan docs --write` would; undefined when it names none.
 */
export function regenerateDocs(registryFile: string, registry: Registry): DocsUpdate | undefined {
  if (registry.docs === undefined) return undefined;
  return { file: resolve(dirname(registryFile), registry.docs), text: portDocument(registry, checkRegistry(registry)) };
}
