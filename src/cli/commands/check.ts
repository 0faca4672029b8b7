import type { Command } from 'commander';
import { checkRegistry } from '../../engine/check.ts';
import { formats, reporters } from '../../reporters/index.ts';
import { formatOption, type CommandContext } from '../context.ts';
import { EXIT } from '../exit.ts';

/** `portolan check [PATH]`: every rule over the registry. */
export function registerCheck(program: Command, context: CommandContext): void {
  program
    .command('check')
    .summary('check the registry against every rule')
    .description('Check the registry against every rule. Exits 0 when clean, 1 when a finding is at error severity, 2 when the input or the command is wrong.')
    .argument('[path]', 'a registry file, or a folder that holds portolan.yaml (default: the nearest portolan.yaml)')
    .addOption(formatOption(formats))
    .addHelpText('after', '\nExamples:\n  $ portolan check\n  $ portolan check examples/homelab --format sarif > portolan.sarif')
    .action((path: string | undefined, options: { format: string }) => {
      const registry = context.registry(path);
      const result = checkRegistry(registry);
      context.io.stdout(reporters[options.format]!(result, { color: context.color() }));
      context.exit(result.summary.errors > 0 ? EXIT.findings : EXIT.clean);
    });
}
