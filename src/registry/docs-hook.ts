import { dirname, resolve } from 'node:path';
import type { Registry } from '../core/types.ts';

/**
 * Renders the Markdown port document from a registry. None is installed yet: until one is, a
 * registry that names `docs: PATH` gets a note that the document was not regenerated.
 */
const renderPortDocument: ((registry: Registry) => string) | undefined = undefined;

/** The port document to write after a registry change, or why it is not written. */
export type DocsUpdate = { file: string; text: string } | { skipped: string };

/** Regenerates the document the registry names (`docs: PATH`, relative to the registry's folder); undefined when it names none. */
export function regenerateDocs(registryFile: string, registry: Registry): DocsUpdate | undefined {
  if (registry.docs === undefined) return undefined;
  const file = resolve(dirname(registryFile), registry.docs);
  if (!renderPortDocument) return { skipped: `${registry.docs} was not regenerated: no port document renderer is installed` };
  return { file, text: renderPortDocument(registry) };
}
