import { existsSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { formatSpan } from '../core/span.ts';
import { InputError, InputErrors } from '../core/errors.ts';
import type { CheckResult, Registry } from '../core/types.ts';
import { parseRegistry, REGISTRY_FILE } from '../registry/load.ts';
import type { DocsDocument, RegistryDocument } from '../registry/schema.ts';
import { registryYaml } from '../registry/write.ts';
import { ruleIds } from '../rules/index.ts';
import { loadPortDocument, type PortDocumentImport } from '../sources/port-doc/index.ts';
import { checkRegistry } from './check.ts';

/** What `portolan import` is asked to do. */
export interface ImportRequest {
  /** The port document's path, and how it is shown. */
  source: string;
  sourceShown: string;
  /** The registry to write, or undefined for stdout; and how it is shown. */
  target: string | undefined;
  targetShown: string;
  /** The folder the registry's `docs:` path is relative to when it goes to stdout. */
  cwd: string;
  strict?: boolean;
  force?: boolean;
}

/** What the import gives: the registry's text, the registry as read back, what check finds, and the account of the document. */
export interface ImportOutcome {
  text: string;
  registry: Registry;
  check: CheckResult;
  imported: PortDocumentImport;
}

/**
 * Reads a port document into the text of a registry: its ranges, clusters and services, and under
 * `docs:` the document's path, title and prose and the ports it said were free. Refuses (an
 * InputError, nothing written) to overwrite the document or an existing registry without `force`,
 * and with `strict`, any line it could not place.
 */
export function importDocument(request: ImportRequest): ImportOutcome {
  const { source, sourceShown, target } = request;
  if (target === source) {
    throw new InputError(`${sourceShown} is the document itself`, undefined, `write the registry elsewhere, such as --out ${REGISTRY_FILE}`);
  }
  // Read the document first: a missing document is the mistake to report, not an existing registry.
  const imported = loadPortDocument(source, sourceShown);
  if (target !== undefined && existsSync(target) && !request.force) {
    throw new InputError(`${request.targetShown} exists`, undefined, 'give --force to replace it, or --out FILE for another file');
  }
  const problems = strictProblems(imported, sourceShown);
  if (request.strict && problems.length > 0) throw new InputErrors(problems);
  const docsPath = relative(target === undefined ? request.cwd : dirname(target), source).split(sep).join('/');
  const text = registryYaml(
    { ...imported.registry, docs: docsSettings(docsPath, imported) },
    {
      header: [
        `Imported from ${docsPath} by \`portolan import\`.`,
        'Run `portolan check` for what the document got wrong, and `portolan docs --write --adopt` to let Portolan write the port sections of the document from here on.',
      ],
    },
  );
  // The registry is checked as it will be read: a failure here is a bug in the import.
  const registry = parseRegistry(request.targetShown, text, { ruleIds });
  return { text, registry, check: checkRegistry(registry), imported };
}

/** `docs: PATH`, or `{ file, title, prose, free }` when the document has more to keep. */
function docsSettings(file: string, imported: PortDocumentImport): RegistryDocument['docs'] {
  const { title, prose } = imported.settings;
  const free = imported.free.map((note) => ({ ports: note.spans.length === 1 ? spanValue(note.spans[0]!) : note.spans.map(spanValue), note: note.note }));
  if (title === undefined && prose.length === 0 && free.length === 0) return file;
  const docs: DocsDocument = { file, ...(title !== undefined ? { title } : {}), ...(prose.length > 0 ? { prose } : {}), ...(free.length > 0 ? { free } : {}) };
  return docs;
}

function spanValue(span: { from: number; to: number }): number | string {
  return span.from === span.to ? span.from : formatSpan(span);
}

/** What --strict refuses: unplaced lines and text whose encoding could not be repaired. */
function strictProblems(imported: PortDocumentImport, file: string): InputError[] {
  return [
    ...imported.repairs
      .filter((r) => r.repaired === undefined)
      .map((r) => new InputError('text spoiled by a wrong encoding (U+FFFD) that cannot be repaired', { file, line: r.line, column: r.column }, 'restore the character from the original text')),
    ...imported.unplaced.map(
      (u) => new InputError(`not placed: ${u.reason}: ${u.text}`, { file, line: u.line, column: u.column }, 'write it as `name: port`, a table row, or move it out of the port sections'),
    ),
  ];
}
