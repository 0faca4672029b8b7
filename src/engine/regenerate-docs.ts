import type { Registry } from '../core/types.ts';
import { regeneratedDocument } from './docs.ts';

/** The port document to write after a registry change. */
export type DocsUpdate = { file: string; text: string };

/**
 * Regenerates the document the registry names (`docs:`, relative to the registry's folder), as
 * `portolan docs --write` would: only its generated regions when it has markers, all of it when
 * it does not exist yet. Undefined when the registry names none, or when the document has no
 * markers (it is never replaced silently; `portolan docs --write --adopt` marks it). A `docs:`
 * path that leaves the registry's repository is refused unless `allowOutside`.
 */
export function regenerateDocs(registryFile: string, registry: Registry, options: { allowOutside?: boolean } = {}): DocsUpdate | undefined {
  return regeneratedDocument(registryFile, registry, options);
}
