import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { formatSpan, parseSpan, PORT_MAX, PORT_MIN } from '../../core/span.ts';
import type { PortSpan } from '../../core/types.ts';
import { reservePorts } from '../../engine/registry-changes.ts';
import { reservationJson, reservationText } from '../../reporters/changes.ts';
import { changeOptions, runChange, type ChangeFlags } from '../change.ts';
import { collect, type CommandContext } from '../context.ts';

interface ReserveFlags extends ChangeFlags {
  cluster?: string[];
}

/** `portolan reserve SPAN --reason TEXT`: keep ports from everybody. */
export function registerReserve(program: Command, context: CommandContext): void {
  const command = program
    .command('reserve')
    .summary('reserve ports so that nobody is given them')
    .description('Add SPAN (a port, or from-to) to the reserved ports, in every cluster or in the --cluster ones; refused when a service holds one of them there. allocate skips reserved ports, and check reports a service that uses one.')
    .argument('<span>', 'a port or a span such as 30290-30299', parseSpanArgument)
    .option('-c, --cluster <cluster>', 'only in these clusters (repeat, or separate with commas)', collect);
  changeOptions(command, false)
    .addHelpText('after', '\nExamples:\n  $ portolan reserve 30290-30299 --reason "future agents"\n  $ portolan reserve 30500 --cluster studio --reason "kept for the old PostgreSQL" --commit')
    .action(async (span: PortSpan, path: string | undefined, flags: ReserveFlags) => {
      await runChange(context, { ...flags, path }, (file, run) => reservePorts(file, { span, reason: flags.reason ?? '', clusters: flags.cluster ?? [] }, run), {
        text: reservationText,
        json: reservationJson,
      });
    });
}

function parseSpanArgument(text: string): PortSpan {
  const span = parseSpan(text);
  if (span && span.from > span.to && span.to >= PORT_MIN && span.from <= PORT_MAX) {
    throw new UsageError(`"${text}" runs backwards; write ${formatSpan({ from: span.to, to: span.from })}`);
  }
  if (!span || span.from < PORT_MIN || span.to > PORT_MAX || span.from > span.to) {
    throw new UsageError(`"${text}" is not a port or span; write 30290 or 30290-30299, within ${PORT_MIN}-${PORT_MAX}`);
  }
  return span;
}
