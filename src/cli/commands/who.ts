import type { Command } from 'commander';
import { whoHolds } from '../../engine/queries.ts';
import { holdersJson, holdersText } from '../../reporters/tables.ts';
import type { CommandContext } from '../context.ts';
import { outputFormatOptions, parsePort, registryPathArgument } from '../options.ts';

/** `portolan who PORT`: who holds a port in each cluster. */
export function registerWho(program: Command, context: CommandContext): void {
  const command = program
    .command('who')
    .summary('say who holds a port in each cluster')
    .description('Say which range PORT belongs to, whether it is reserved, which service holds it in each cluster, and how other clusters reach that service through the mesh (its Linkerd mirror, address and Service port).')
    .argument('<port>', 'a port number, 1-65535', parsePort);
  registryPathArgument(command);
  outputFormatOptions(command, ['json', 'text'])
    .addHelpText('after', '\nExamples:\n  $ portolan who 30081\n  $ portolan who 30081 examples/homelab --json')
    .action((port: number, path: string | undefined, options: { format: string }) => {
      const holders = whoHolds(context.registry(path), port);
      context.io.stdout(options.format === 'json' ? holdersJson(holders) : holdersText(holders));
    });
}
