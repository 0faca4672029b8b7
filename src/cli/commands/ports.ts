import type { Command } from 'commander';
import { listAllocations } from '../../engine/queries.ts';
import { allocationsJson, allocationsText } from '../../reporters/tables.ts';
import type { CommandContext } from '../context.ts';
import { collect, outputFormatOptions, registryPathArgument } from '../options.ts';

/** `portolan ports`: the allocations, filtered. */
export function registerPorts(program: Command, context: CommandContext): void {
  const command = program
    .command('ports')
    .summary('list the allocations')
    .description('List every port the registry gives out, one line per service port per cluster.')
    .option('-c, --cluster <cluster>', 'only these clusters (repeat, or separate with commas)', collect)
    .option('-r, --range <range>', 'only these ranges (repeat, or separate with commas)', collect)
    .option('-s, --service <service>', 'only these services (repeat, or separate with commas)', collect);
  registryPathArgument(command);
  outputFormatOptions(command, ['json', 'text'])
    .addHelpText('after', '\nExamples:\n  $ portolan ports --cluster studio\n  $ portolan ports examples/homelab --range ai-agents,ai-ml --format json')
    .action((path: string | undefined, options: { cluster?: string[]; range?: string[]; service?: string[]; format: string }) => {
      const claims = listAllocations(context.registry(path), { clusters: options.cluster ?? [], ranges: options.range ?? [], services: options.service ?? [] });
      context.io.stdout(options.format === 'json' ? allocationsJson(claims) : allocationsText(claims));
    });
}
