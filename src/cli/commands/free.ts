import type { Command } from 'commander';
import { findFree } from '../../engine/queries.ts';
import { freeJson, freeText } from '../../reporters/tables.ts';
import type { CommandContext } from '../context.ts';
import { collect, outputFormatOptions, registryPathArgument } from '../options.ts';

/** `portolan free RANGE`: the ports of a range that nobody holds. */
export function registerFree(program: Command, context: CommandContext): void {
  const command = program
    .command('free')
    .summary('list the free ports of a range')
    .description('List the ports of RANGE that are free in every named cluster (every cluster by default) and not reserved.')
    .argument('<range>', 'a range name from the registry')
    .option('-c, --cluster <cluster>', 'only these clusters (repeat, or separate with commas)', collect);
  registryPathArgument(command);
  outputFormatOptions(command, ['json', 'text'])
    .addHelpText('after', '\nExamples:\n  $ portolan free ai-agents\n  $ portolan free observability examples/homelab --cluster studio,pro')
    .action((range: string, path: string | undefined, options: { cluster?: string[]; format: string }) => {
      const report = findFree(context.registry(path), range, options.cluster ?? []);
      context.io.stdout(options.format === 'json' ? freeJson(report) : freeText(report));
    });
}
