import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { addLiveOptions, liveEngine, liveOptionsOf, type LiveFlags } from '../live-options.ts';
import { UsageError } from '../../core/errors.ts';

/** `portolan snapshot --cluster C`: what a live cluster runs, as JSON for `check --live-snapshot`. */
export function registerSnapshot(program: Command, context: CommandContext): void {
  const command = program
    .command('snapshot')
    .summary("print what a live cluster runs, for checks without the cluster's credentials")
    .description(
      "Read one live cluster (its Services, Pods and workloads with host ports, through its kubeconfig context) and print it as a v1 List, trimmed to ports: no environment, images or status. `portolan check --live-snapshot FILE` checks against it later, where the cluster cannot be reached.",
    );
  addLiveOptions(command, false)
    .addHelpText('after', '\nExamples:\n  $ portolan snapshot --cluster studio > live.json\n  $ portolan check --live-snapshot live.json')
    .action(async (options: LiveFlags) => {
      if (options.cluster?.length !== 1) throw new UsageError('name the one cluster to read: portolan snapshot --cluster C > live.json');
      const registry = context.registry();
      context.io.stdout(await (await liveEngine()).snapshotCluster({ ...liveOptionsOf(options, context, true), registry, cluster: options.cluster[0]! }));
    });
}
