import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { moveService } from '../../engine/registry-changes.ts';
import { describeMove, moveJson } from '../../reporters/changes.ts';
import { changeOptions, runChange, type ChangeFlags } from '../change.ts';
import { parsePort, type CommandContext } from '../context.ts';

interface MoveFlags extends ChangeFlags {
  to?: number;
  next?: boolean;
  range?: string;
  portName?: string;
  staticBand?: boolean;
}

/** `portolan move SERVICE`: give a service another port, such as the next free one to settle a conflict. */
export function registerMove(program: Command, context: CommandContext): void {
  const command = program
    .command('move')
    .summary("change a service's port, or settle a conflict by moving one party")
    .description(
      "Give SERVICE's port (all its ports as a block, or --port-name only) a new number: --to N, or --next for the lowest free port of its range (or of --range) in every cluster it runs in. Its own old ports count as free. Writes the registry, and with --manifest the Service or HelmRelease too.",
    )
    .argument('<service>', 'the service entry to move')
    .option('--to <port>', 'the new (first) port; refused when taken', parsePort)
    .option('--next', 'the lowest free port of the range')
    .option('-r, --range <range>', "with --next, the range to move into (the service's own by default)")
    .option('--port-name <name>', 'move only this named port')
    .option('--static-band', "keep out of each cluster's dynamic NodePort band");
  changeOptions(command, true)
    .addHelpText('after', '\nExamples:\n  $ portolan move flyte-console --next\n  $ portolan move grafana --to 30400 --manifest observability/grafana.yaml --commit')
    .action(async (service: string, path: string | undefined, flags: MoveFlags) => {
      if ((flags.to === undefined) === (flags.next !== true)) throw new UsageError('give one of --to N or --next');
      await runChange(
        context,
        { ...flags, path },
        (file, run) =>
          moveService(
            file,
            {
              service,
              ...(flags.to !== undefined ? { to: flags.to } : {}),
              ...(flags.range !== undefined ? { range: flags.range } : {}),
              ...(flags.portName !== undefined ? { portName: flags.portName } : {}),
              staticBand: flags.staticBand === true,
            },
            run,
          ),
        { text: describeMove, json: moveJson },
      );
    });
}
