import { readFileSync, statSync } from 'node:fs';
import { fileError, InputError } from '../../core/errors.ts';
import { MAX_YAML_BYTES } from '../../registry/yaml-source.ts';
import { decodeDocument } from './encoding.ts';
import { importPortDocument, type PortDocumentImport } from './import.ts';

export { importPortDocument, DEFAULT_CLUSTER, type PortDocumentImport, type UnplacedLine, type ImportDecision } from './import.ts';
export type { EncodingRepair } from './encoding.ts';

/**
 * Reads a port document from disk and imports it; `shown` is the name used in locations. A file
 * that cannot be read, is binary, or holds no ranges or services is an InputError.
 */
export function loadPortDocument(file: string, shown = file): PortDocumentImport {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_YAML_BYTES) {
      throw new InputError(`${shown} is over ${MAX_YAML_BYTES / 1048576} MiB; that is no port document`, { file: shown, line: 1, column: 1 });
    }
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(shown, error, 'give the path of a Markdown port document');
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const before = bytes.subarray(0, nul).toString('latin1');
    const line = before.split('\n').length;
    throw new InputError(`${shown} is not a text file (a NUL byte)`, { file: shown, line, column: nul - before.lastIndexOf('\n') }, 'give a Markdown document');
  }
  const { text, utf8 } = decodeDocument(bytes);
  const imported = importPortDocument(shown, text);
  if (!utf8) imported.decisions.unshift({ line: 1, message: 'the file is not UTF-8; it was read as Windows-1252' });
  const { registry } = imported;
  if (Object.keys(registry.ranges ?? {}).length === 0 && Object.keys(registry.services ?? {}).length === 0) {
    throw new InputError(
      `${shown}: found no port ranges and no services`,
      { file: shown, line: 1, column: 1 },
      'a port document has a table of ranges (`| 30100-30199 | AI/ML |`) or lines of `name: port`',
    );
  }
  return imported;
}
