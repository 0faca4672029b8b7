import type { Command } from 'commander';
import { listAllocations } from '../../engine/queries.ts';
import { allocationsJson, allocationsText } from '../../reporters/tables.ts';
import { formatOption, type CommandContext } from '../context.ts';

/** `portolan ports`: the allocations, filtered. */
export function registerPorts(program: Command, context: CommandContext): void {
  program
    .command('ports')
    .summary('list the allocations')
    .description('List every port the registry gives out, one line per service port per cluster.')
    .option('-c, --cluster <cluster>', 'only this cluster')
    .option('-r, --range <range>', 'only this range')
    .option('-s, --service <service>', 'only this service')
    .addOption(formatOption(['json', 'text']))
    .addHelpText('after', '\nExamples:\n  $ portolan ports --cluster studio\n  $ portolan ports --range ai-agents --format json')
    .action((options: { cluster?: string; range?: string; service?: string; format: string }) => {
      const claims = listAllocations(context.registry(), options);
      context.io.stdout(options.format === 'json' ? allocationsJson(claims) : allocationsText(claims));
    });
}
