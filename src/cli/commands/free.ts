import type { Command } from 'commander';
import { findFree } from '../../engine/queries.ts';
import { freeJson, freeText } from '../../reporters/tables.ts';
import { collect, formatOption, type CommandContext } from '../context.ts';

/** `portolan free RANGE`: the ports of a range that nobody holds. */
export function registerFree(program: Command, context: CommandContext): void {
  program
    .command('free')
    .summary('list the free ports of a range')
    .description('List the ports of RANGE that are free in every named cluster (every cluster by default) and not reserved.')
    .argument('<range>', 'a range name from the registry')
    .option('-c, --cluster <cluster>', 'only these clusters (repeat, or separate with commas)', collect)
    .addOption(formatOption(['json', 'text']))
    .addHelpText('after', '\nExamples:\n  $ portolan free ai-agents\n  $ portolan free observability --cluster studio,pro')
    .action((range: string, options: { cluster?: string[]; format: string }) => {
      const report = findFree(context.registry(), range, options.cluster ?? []);
      context.io.stdout(options.format === 'json' ? freeJson(report) : freeText(report));
    });
}
