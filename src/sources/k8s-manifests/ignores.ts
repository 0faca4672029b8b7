import type { Ignore } from '../../core/types.ts';
import { mapping, text, type ManifestFile } from './objects.ts';

/** The annotation that accepts findings about the object it is written on: `"rule-id[,rule-id]"`. */
export const IGNORE_ANNOTATION = 'portolan.dev/ignore';
/** The annotation that says why; an ignore without it accepts nothing, and unused-ignore says so. */
export const IGNORE_REASON_ANNOTATION = 'portolan.dev/ignore-reason';

/**
 * The `portolan.dev/ignore` annotations of a manifest's objects, one ignore per rule named. Each
 * holds for the lines of its object: from the object's start to the next object's start.
 */
export function annotationIgnores(manifest: ManifestFile): Ignore[] {
  const ignores: Ignore[] = [];
  manifest.objects.forEach((object, i) => {
    const annotations = mapping(mapping(object.body.metadata)?.annotations);
    const written = text(annotations?.[IGNORE_ANNOTATION]);
    if (written === undefined) return;
    const fromLine = object.source.locate(object.path).line;
    const next = manifest.objects[i + 1];
    const toLine = next ? next.source.locate(next.path).line - 1 : Number.MAX_SAFE_INTEGER;
    const at = object.source.locate([...object.path, 'metadata', 'annotations', IGNORE_ANNOTATION]);
    const reason = text(annotations?.[IGNORE_REASON_ANNOTATION])?.trim() ?? '';
    const ref = { kind: object.kind, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name };
    for (const rule of written.split(',').map((part) => part.trim()).filter(Boolean)) {
      ignores.push({ rule, clusters: [], ports: [], files: [], object: { ref, file: manifest.file, fromLine, toLine }, reason, at });
    }
  });
  return ignores;
}
