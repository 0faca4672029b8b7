import type { Command } from 'commander';
import { planMove, type Move } from '../../allocate/plan.ts';
import { UsageError } from '../../core/errors.ts';
import { claimLabel } from '../../core/types.ts';
import { moveEdits, plainService } from '../../registry/edit.ts';
import { describeMove } from '../../reporters/changes.ts';
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
        (registry, text) => {
          const move = planMove(registry, {
            service,
            ...(flags.to !== undefined ? { to: flags.to } : {}),
            ...(flags.range !== undefined ? { range: flags.range } : {}),
            ...(flags.portName !== undefined ? { portName: flags.portName } : {}),
            staticBand: flags.staticBand === true,
          });
          const names = [move.service.kubernetesName, move.service.name].filter((n): n is string => n !== undefined);
          return {
            result: move,
            edits: moveEdits(plainService(text, move.service.name), move),
            subject: `move ${describeMove(move)}`,
            body: [`Why: ${flags.reason ?? defaultReason(move)}`],
            manifest: { names, ports: move.moves.map((m) => ({ ...(m.port.name ? { name: m.port.name } : {}), from: m.from, to: m.to })) },
          };
        },
        {
          text: (move: Move) => describeMove(move),
          json: (move: Move) => ({
            action: 'move',
            service: move.service.name,
            range: move.range?.name ?? null,
            clusters: move.service.clusters,
            ports: move.moves.map((m) => ({ name: m.port.name ?? null, from: m.from, port: m.to, protocol: m.port.protocol, ...(m.overrides.length ? { overrides: m.overrides.map((o) => ({ cluster: o.cluster, from: o.port })) } : {}) })),
            conflicts: move.conflicts.map((c) => ({ service: c.service, portName: c.portName ?? null, cluster: c.cluster, port: c.port })),
          }),
        },
      );
    });
}

function defaultReason(move: Move): string {
  if (move.conflicts.length === 0) return `${move.service.name} gets a new port.`;
  const held = [...new Set(move.conflicts.map((c) => `${claimLabel(c)} also holds ${c.port} in ${c.cluster}`))];
  return `settle a port conflict: ${held.join('; ')}.`;
}
