import { fileError, InputError } from '../../core/errors.ts';
import { readFileBytes } from '../../registry/read-file.ts';
import { decodeDocument } from './encoding.ts';
import { importPortDocument, type PortDocumentImport } from './import.ts';

export { importPortDocument, DEFAULT_CLUSTER, type PortDocumentImport, type UnplacedLine, type ImportDecision } from './import.ts';
export type { EncodingRepair } from './encoding.ts';
export { markedOrder, type DocumentPart } from './layout.ts';

/**
 * The largest port document read, in bytes. A registry written from one is about as large as the
 * document, so this keeps the import's work, and its result, well inside what a registry may be.
 */
export const MAX_PORT_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Where a file shows it is not text, and why: a NUL byte, or more control characters (other than
 * tab, line ends and form feed) than one in a hundred bytes and a few dozen in all, as random or
 * compressed bytes have.
 */
function binaryAt(bytes: Buffer): { at: number; why: string } | undefined {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { at: nul, why: 'a NUL byte' };
  let controls = 0;
  let first = -1;
  for (let at = 0; at < bytes.length; at++) {
    const c = bytes[at]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) {
      if (first === -1) first = at;
      controls++;
    }
  }
  return controls > 32 && controls * 100 > bytes.length ? { at: first, why: `${controls} control characters in ${bytes.length} bytes` } : undefined;
}

/**
 * Reads a port document from disk and imports it; `shown` is the name used in locations. A file
 * that cannot be read, is binary, or holds no ranges or services is an InputError.
 */
export function loadPortDocument(file: string, shown = file): PortDocumentImport {
  let bytes: Buffer;
  try {
    bytes = readFileBytes(file, shown, MAX_PORT_DOCUMENT_BYTES);
  } catch (error) {
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ENOENT') throw error;
    throw fileError(shown, (error as Error).cause, 'give the path of a Markdown port document');
  }
  const binary = binaryAt(bytes);
  if (binary !== undefined) {
    const before = bytes.subarray(0, binary.at).toString('latin1');
    const line = before.split('\n').length;
    throw new InputError(`${shown} is not a text file (${binary.why})`, { file: shown, line, column: binary.at - before.lastIndexOf('\n') }, 'give a Markdown document');
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
