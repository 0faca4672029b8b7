import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.ts';
import { checkRegistry } from '../../engine/check.ts';
import { displayPath } from '../../registry/load.ts';
import { unifiedDiff } from '../../reporters/line-diff.ts';
import { portDocument } from '../../reporters/port-document.ts';
import type { CommandContext } from '../context.ts';
import { REGISTRY_PATH_DESCRIPTION } from '../options.ts';
import { EXIT } from '../exit.ts';
import { writeFileAtomic } from '../write-file.ts';

interface DocsOptions {
  write?: string | true;
  check?: string | true;
  date?: string | true;
  title?: string;
}

/** `portolan docs [PATH]`: the Markdown port document, generated from the registry. */
export function registerDocs(program: Command, context: CommandContext): void {
  program
    .command('docs')
    .summary('write the Markdown port document from the registry')
    .description(
      "Render the port document from the registry: ranges and how full they are, each range's services per cluster, reserved ports, the allocation rules, cross-cluster addresses and what `check` found. The same registry always gives the same bytes. FILE defaults to the registry's `docs:` path.",
    )
    .argument('[path]', REGISTRY_PATH_DESCRIPTION)
    .option('-w, --write [file]', 'write the document to FILE instead of stdout')
    .option('--check [file]', 'exit 1 and show a diff when FILE is not what the registry gives (for CI and pre-commit)')
    .option('--date [date]', 'print "Last updated: DATE" (today, in UTC, without DATE)')
    .option('--title <title>', 'the document title', 'Port plan')
    .addHelpText('after', '\nExamples:\n  $ portolan docs > PORTS.md\n  $ portolan docs --write PORTS.md\n  $ portolan docs examples/homelab --check')
    .action((path: string | undefined, options: DocsOptions) => {
      if (options.write !== undefined && options.check !== undefined) throw new UsageError('give --write or --check, not both');
      const registry = context.registry(path);
      const date = options.date === true ? new Date().toISOString().slice(0, 10) : options.date;
      const text = portDocument(registry, checkRegistry(registry), { ...(options.title !== undefined ? { title: options.title } : {}), ...(date !== undefined ? { date } : {}) });
      const { io } = context;
      if (options.write === undefined && options.check === undefined) {
        io.stdout(text);
        return;
      }
      const named = options.write ?? options.check!;
      let file: string;
      if (named !== true) file = resolve(io.cwd, named);
      else if (registry.docs !== undefined) file = resolve(dirname(resolve(io.cwd, registry.file)), registry.docs);
      else throw new UsageError(`${options.write ? '--write' : '--check'} needs FILE, or \`docs: PORTS.md\` in ${registry.file}`);
      const shown = displayPath(file, io.cwd);
      if (existsSync(file) && statSync(file).isDirectory()) throw new InputError(`${shown}: is a folder, not a file`, undefined, 'give the document\'s file, such as PORTS.md');
      if (options.write !== undefined) {
        writeFileAtomic(file, text, shown);
        io.stderr(`wrote ${shown}\n`);
        return;
      }
      if (!existsSync(file)) {
        io.stderr(`${shown} does not exist; run \`portolan docs --write ${shown}\`\n`);
        context.exit(EXIT.findings);
        return;
      }
      // A checkout with Windows line ends (git's autocrlf) holds the same document.
      const current = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
      if (current === text) {
        io.stderr(`${shown} is up to date\n`);
        return;
      }
      io.stdout(unifiedDiff(current, text, { before: `${shown} (on disk)`, after: `${shown} (from ${registry.file})` }));
      io.stderr(`${shown} is stale: run \`portolan docs --write ${shown}\`\n`);
      context.exit(EXIT.findings);
    });
}
