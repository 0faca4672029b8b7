import { resolve } from 'node:path';
import type { Command } from 'commander';
import { importDocument } from '../../engine/import-doc.ts';
import { displayPath, REGISTRY_FILE } from '../../engine/registry.ts';
import { importReport } from '../../reporters/import-report.ts';
import type { CommandContext } from '../context.ts';
import { writeFileAtomic } from '../../engine/registry.ts';
import { escapeControls } from '../../core/escape.ts';

/** `portolan import DOC.md`: a hand-written port document becomes a registry. */
export function registerImport(program: Command, context: CommandContext): void {
  program
    .command('import')
    .summary('read a Markdown port document into a registry')
    .description(
      'Read a Markdown port document (tables of ranges and services in any column order, entries in headings, list items and `name: port` lines, headings that carry a range, a cluster or a namespace, allocation rules, cross-cluster URLs) and write the registry it states. Struck-through and retired rows become legacy services; ports listed as free are kept under docs.free; example Kubernetes objects are left out; the title and the prose sections are kept under docs. Every line that looks like port data but could not be placed is listed; prose lines are listed by number.',
    )
    .argument('<document>', 'the Markdown port document')
    .option('-o, --out <file>', `the registry to write, or - for stdout (default: ${REGISTRY_FILE})`)
    .option('--strict', 'fail (exit 2, nothing written) when a line could not be placed or text could not be repaired')
    .option('--force', 'replace the output file if it exists')
    .addHelpText('after', '\nExamples:\n  $ portolan import docs/port-mapping-strategy.md\n  $ portolan import PORTS.md --out - --strict')
    .action((document: string, options: { out?: string; strict?: boolean; force?: boolean }) => {
      const { io } = context;
      const source = resolve(io.cwd, document);
      const toStdout = options.out === '-';
      const target = toStdout ? undefined : resolve(io.cwd, options.out ?? REGISTRY_FILE);
      const targetShown = target === undefined ? '-' : displayPath(target, io.cwd);
      const shown = displayPath(source, io.cwd);
      const outcome = importDocument({
        source,
        sourceShown: shown,
        target,
        targetShown,
        cwd: io.cwd,
        ...(options.strict ? { strict: true } : {}),
        ...(options.force ? { force: true } : {}),
      });
      if (target === undefined) io.stdout(outcome.text);
      else writeFileAtomic(target, outcome.text, targetShown);
      io.stderr(escapeControls(importReport(outcome, shown, targetShown, toStdout)));
    });
}
