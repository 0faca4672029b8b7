import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { ClusterEvent, LiveOptions } from '../engine/live.ts';
import { collect, type CommandContext } from './context.ts';

/** The live options as commander hands them over. */
export interface LiveFlags {
  live?: boolean;
  cluster?: string[];
  kubeconfig?: string;
  liveSnapshot?: string[];
  liveTimeout?: number;
}

/**
 * Adds --cluster (unless the command has its own), --kubeconfig and --live-timeout to a command,
 * and unless it is `snapshot`, --live and --live-snapshot.
 */
export function addLiveOptions(command: Command, snapshots = true): Command {
  if (snapshots) command.option('--live', 'also read what the live clusters run, through their kubeconfig contexts (clusters.NAME.context)');
  if (!command.options.some((option) => option.long === '--cluster')) {
    command.option('-c, --cluster <cluster>', snapshots ? 'with --live: only these clusters (repeat, or separate with commas)' : 'the cluster to read', collect);
  }
  command
    .option('--kubeconfig <file>', 'the kubeconfig to use (default: KUBECONFIG, else ~/.kube/config)')
    .addOption(new Option('--live-timeout <seconds>', 'how long each cluster may take').default(30).argParser(seconds));
  if (snapshots) command.option('--live-snapshot <file>', 'read a live snapshot instead of the cluster (portolan snapshot, or kubectl get svc,pods -A -o json; CLUSTER=FILE names its cluster); repeat for several', (value: string, previous: string[] = []) => [...previous, value]);
  return command;
}

/**
 * True when the flags ask for a live read; --kubeconfig alone is a mistake, and so is --cluster
 * alone unless the command also filters its findings by cluster (`check`).
 */
export function wantsLive(flags: LiveFlags, options: { clusterFilters?: boolean } = {}): boolean {
  const live = flags.live === true || (flags.liveSnapshot?.length ?? 0) > 0;
  if (!live && flags.kubeconfig !== undefined) throw new UsageError('--kubeconfig is for --live (or --live-snapshot)');
  if (!live && flags.cluster !== undefined && !options.clusterFilters) throw new UsageError('--cluster is for --live (or --live-snapshot)');
  return live;
}

/** The engine's live options from the flags (all but the registry), and a progress line per cluster on a terminal. */
export function liveOptionsOf(flags: LiveFlags, context: CommandContext, progress: boolean): Omit<LiveOptions, 'registry'> {
  return {
    ...(flags.cluster ? { clusters: flags.cluster } : {}),
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.liveSnapshot ? { snapshots: flags.liveSnapshot } : {}),
    env: process.env,
    cwd: context.io.cwd,
    timeoutMs: (flags.liveTimeout ?? 30) * 1000,
    ...(progress && context.io.progress ? { onCluster: (event: ClusterEvent) => context.io.stderr(`${clusterLine(event)}\n`) } : {}),
  };
}

/** One line per cluster, as it is read: `cluster studio (kind-studio): 42 services, 130 pods, 18 workloads`. */
export function clusterLine(event: ClusterEvent): string {
  const who = `cluster ${event.cluster} (${event.context})`;
  if (event.state === 'reading') return `${who}: reading`;
  if (event.state === 'failed') return `${who}: ${event.failure.reason}`;
  const { services = 0, pods = 0, ...workloads } = event.read.counts;
  const others = Object.values(workloads).reduce((sum, n) => sum + n, 0);
  return `${who}: ${services} services, ${pods} pods, ${others} workloads`;
}

function seconds(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value <= 0) throw new UsageError(`--live-timeout "${text}" is not a number of seconds; give one such as 30`);
  return value;
}

/** The live engine, loaded only when a command reads clusters: the Kubernetes client is large, and every other command starts without it. */
export function liveEngine(): Promise<typeof import('../engine/live.ts')> {
  return import('../engine/live.ts');
}
