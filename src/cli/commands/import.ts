import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { InputError, InputErrors } from '../../core/errors.ts';
import { portsToSpans, formatSpans } from '../../core/span.ts';
import { checkRegistry } from '../../engine/check.ts';
import { displayPath, parseRegistry, REGISTRY_FILE } from '../../registry/load.ts';
import { registryYaml } from '../../registry/write.ts';
import { ruleIds } from '../../rules/index.ts';
import { loadPortDocument, type PortDocumentImport } from '../../sources/port-doc/index.ts';
import type { CommandContext } from '../context.ts';
import { writeFileAtomic } from '../write-file.ts';
import { escapeControls } from '../../core/escape.ts';

/** `portolan import DOC.md`: a hand-written port document becomes a registry. */
export function registerImport(program: Command, context: CommandContext): void {
  program
    .command('import')
    .summary('read a Markdown port document into a registry')
    .description(
      'Read a Markdown port document (tables of ranges, `name: port  # comment` blocks, headings that carry a range or a cluster, allocation rules, cross-cluster URLs) and write the registry it states. Every line that looks like port data but could not be placed is listed; prose lines are listed by number.',
    )
    .argument('<document>', 'the Markdown port document')
    .option('-o, --out <file>', `the registry to write, or - for stdout (default: ${REGISTRY_FILE})`)
    .option('--strict', 'fail (exit 2, nothing written) when a line could not be placed or text could not be repaired')
    .option('--force', 'replace the output file if it exists')
    .addHelpText('after', '\nExamples:\n  $ portolan import docs/port-mapping-strategy.md\n  $ portolan import PORTS.md --out - --strict')
    .action((document: string, options: { out?: string; strict?: boolean; force?: boolean }) => {
      const { io } = context;
      const source = resolve(io.cwd, document);
      const shown = displayPath(source, io.cwd);
      const toStdout = options.out === '-';
      const target = resolve(io.cwd, options.out ?? REGISTRY_FILE);
      const targetShown = toStdout ? '-' : displayPath(target, io.cwd);
      if (!toStdout && target === source) {
        throw new InputError(`${shown} is the document itself`, undefined, `write the registry elsewhere, such as --out ${REGISTRY_FILE}`);
      }
      // Read the document first: a missing document is the mistake to report, not an existing registry.
      const imported = loadPortDocument(source, shown);
      if (!toStdout && existsSync(target) && !options.force) {
        throw new InputError(`${targetShown} exists`, undefined, 'give --force to replace it, or --out FILE for another file');
      }
      const problems = strictProblems(imported, shown);
      if (options.strict && problems.length > 0) throw new InputErrors(problems);

      const docsPath = relative(toStdout ? io.cwd : dirname(target), source).split(sep).join('/');
      const text = registryYaml(
        { ...imported.registry, docs: docsPath },
        {
          header: [
            `Imported from ${docsPath} by \`portolan import\`.`,
            'Run `portolan check` for what the document got wrong, and `portolan docs --write` to write the document from here on.',
          ],
        },
      );
      // The registry is checked as it will be read: a failure here is a bug in the import.
      const registry = parseRegistry(targetShown, text, { ruleIds });
      const result = checkRegistry(registry);
      if (toStdout) io.stdout(text);
      else writeFileAtomic(target, text, targetShown);

      const counts = [
        `${registry.ranges.length} ranges`,
        `${registry.clusters.length} clusters`,
        `${registry.services.length} services`,
        `${registry.reserved.length} reservations`,
        `${registry.notes.length} notes`,
      ];
      io.stderr(escapeControls(`imported ${shown} -> ${targetShown}: ${counts.join(', ')}\n`));
      for (const line of importReport(imported, shown)) io.stderr(`${escapeControls(line)}\n`);
      const { errors, warnings, infos } = result.summary;
      io.stderr(`check: ${errors} error(s), ${warnings} warning(s), ${infos} info; run \`portolan check${toStdout ? '' : ` ${targetShown}`}\` to see them\n`);
    });
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

/** The import's account of the document: repairs, decisions, lines not placed, prose left out. */
function importReport(imported: PortDocumentImport, file: string): string[] {
  const lines: string[] = [];
  for (const repair of imported.repairs) {
    lines.push(
      repair.repaired === undefined
        ? `${file}:${repair.line}:${repair.column}: warning: text spoiled by a wrong encoding (U+FFFD) cannot be repaired`
        : `${file}:${repair.line}:${repair.column}: repaired "${repair.spoiled}" as "${repair.repaired}" (UTF-8 that was read as Windows-1252)`,
    );
  }
  for (const decision of imported.decisions) lines.push(`${file}:${decision.line}: note: ${decision.message}`);
  for (const u of imported.unplaced) lines.push(`${file}:${u.line}:${u.column}: not placed: ${u.reason}: ${u.text}`);
  if (imported.prose.length > 0) lines.push(`prose, not imported: ${lineList(imported.prose)}`);
  return lines;
}

/** `lines 3-4, 6, 10` */
function lineList(numbers: number[]): string {
  const spans = formatSpans(portsToSpans(numbers));
  return `${numbers.length === 1 ? 'line' : 'lines'} ${spans}`;
}
