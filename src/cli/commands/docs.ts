import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { runDocs } from '../../engine/docs.ts';
import { displayPath } from '../../engine/registry.ts';
import { docsOutcomeReport } from '../../reporters/docs-outcome.ts';
import type { CommandContext } from '../context.ts';
import { REGISTRY_PATH_DESCRIPTION } from '../options.ts';
import { EXIT } from '../exit.ts';
import { writeFileAtomic } from '../../engine/registry.ts';
import { escapeControls } from '../../core/escape.ts';

interface DocsOptions {
  write?: string | true;
  check?: string | true;
  adopt?: boolean;
  date?: string | true;
  title?: string;
  allowOutsideRepo?: boolean;
}

/** `portolan docs [PATH]`: the Markdown port document, generated from the registry. */
export function registerDocs(program: Command, context: CommandContext): void {
  program
    .command('docs')
    .summary('write the Markdown port document from the registry')
    .description(
      "Render the port document from the registry: ranges and how full they are, each range's services per cluster, reserved ports, the allocation rules, cross-cluster addresses and what `check` found, each between `<!-- portolan:begin NAME -->` and `<!-- portolan:end -->` markers. On an existing document, --write rewrites only what lies between the markers and keeps the rest byte for byte; a document without markers is refused unless --adopt marks it. --check compares only the marked regions. FILE defaults to the registry's `docs:` path.",
    )
    .argument('[path]', REGISTRY_PATH_DESCRIPTION)
    .option('-w, --write [file]', 'write the document to FILE instead of stdout')
    .option('--adopt', "with --write: put markers into a document that has none, around the parts Portolan writes, keeping the team's prose")
    .option('--check [file]', 'exit 1 and show a diff when the generated regions of FILE are not what the registry gives (for CI and pre-commit)')
    .option('--date [date]', 'print "Last updated: DATE" (today, in UTC, without DATE)')
    .option('--title <title>', "the document title (default: the registry's docs.title, else Port plan)")
    .option('--allow-outside-repo', "let the registry's `docs:` path lie outside its repository")
    .addHelpText('after', '\nExamples:\n  $ portolan docs > PORTS.md\n  $ portolan docs --write PORTS.md\n  $ portolan docs --write --adopt      # a hand-written document, once\n  $ portolan docs examples/homelab --check')
    .action((path: string | undefined, options: DocsOptions) => {
      if (options.write !== undefined && options.check !== undefined) throw new UsageError('give --write or --check, not both');
      if (options.adopt && options.write === undefined) throw new UsageError('--adopt goes with --write');
      const { io } = context;
      const registry = context.registry(path);
      const named = options.write ?? options.check;
      const outcome = runDocs({
        registry,
        registryFile: resolve(io.cwd, registry.file),
        mode: options.write !== undefined ? 'write' : options.check !== undefined ? 'check' : 'print',
        ...(named !== undefined && named !== true ? { file: resolve(io.cwd, named) } : {}),
        ...(options.adopt ? { adopt: true } : {}),
        ...(options.allowOutsideRepo ? { allowOutside: true } : {}),
        ...(options.title !== undefined ? { title: options.title } : {}),
        ...(options.date !== undefined ? { date: options.date === true ? new Date().toISOString().slice(0, 10) : options.date } : {}),
        shown: (file) => displayPath(file, io.cwd),
      });
      const shown = outcome.mode === 'print' ? '-' : displayPath(outcome.file, io.cwd);
      if (outcome.mode === 'write' && outcome.changed) writeFileAtomic(outcome.file, outcome.text, shown);
      const report = docsOutcomeReport(outcome, shown);
      if (report.stdout) io.stdout(escapeControls(report.stdout));
      if (report.stderr) io.stderr(escapeControls(report.stderr));
      if (outcome.mode === 'check' && outcome.status !== 'current') context.exit(EXIT.findings);
    });
}
