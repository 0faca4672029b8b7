import type { Command } from 'commander';
import { whoHolds } from '../../engine/queries.ts';
import { holdersJson, holdersText } from '../../reporters/tables.ts';
import { formatOption, parsePort, type CommandContext } from '../context.ts';

/** `portolan who PORT`: who holds a port in each cluster. */
export function registerWho(program: Command, context: CommandContext): void {
  program
    .command('who')
    .summary('say who holds a port in each cluster')
    .description('Say which range PORT belongs to, whether it is reserved, and which service holds it in each cluster.')
    .argument('<port>', 'a port number, 1-65535', parsePort)
    .addOption(formatOption(['json', 'text']))
    .addHelpText('after', '\nExample:\n  $ portolan who 30081')
    .action((port: number, options: { format: string }) => {
      const holders = whoHolds(context.registry(), port);
      context.io.stdout(options.format === 'json' ? holdersJson(holders) : holdersText(holders));
    });
}
