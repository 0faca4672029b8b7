import { Option, type Command } from 'commander';
import { PROTOCOLS, type Exposure, type Protocol } from '../../core/types.ts';
import { allocatePorts } from '../../engine/registry-changes.ts';
import { allocationJson, allocationText } from '../../reporters/changes.ts';
import { changeOptions, runChange, type ChangeFlags } from '../change.ts';
import { collect, parsePort, type CommandContext } from '../context.ts';

interface AllocateFlags extends ChangeFlags {
  range?: string;
  cluster?: string[];
  port?: number;
  protocol: Protocol;
  names?: string[];
  exposure?: Exposure;
  staticBand?: boolean;
}

/** `portolan allocate SERVICE`: the next free port (or block of ports) of a range, the same in every cluster. */
export function registerAllocate(program: Command, context: CommandContext): void {
  const command = program
    .command('allocate')
    .summary('give a new service the next free port of a range')
    .description(
      'Give SERVICE the lowest port of RANGE that is free in every named cluster (every cluster by default), so it has the same port everywhere; reserved ports are skipped. Several --names get a block of consecutive ports. Writes the registry, and with --manifest the Service or HelmRelease too.',
    )
    .argument('<service>', 'the new service entry name')
    .option('-r, --range <range>', 'the range to take the port from')
    .option('-c, --cluster <cluster>', 'the clusters the service runs in (repeat, or separate with commas)', collect)
    .option('-p, --port <port>', 'take this port instead of the next free one; refused when taken', parsePort)
    .addOption(new Option('--protocol <protocol>', 'the port protocol').choices(PROTOCOLS).default('TCP'))
    .option('--names <names>', 'named ports, which get consecutive numbers: api,health,events', collect)
    .addOption(new Option('--exposure <exposure>', 'how the Service is exposed').choices(['NodePort', 'LoadBalancer', 'ClusterIP']))
    .option('--static-band', "keep out of each cluster's dynamic NodePort band, where automatic NodePorts are handed out first");
  changeOptions(command, true)
    .addHelpText(
      'after',
      '\nExamples:\n  $ portolan allocate agent-ripley --range ai-agents --cluster studio\n  $ portolan allocate agent-ripley --range ai-agents --cluster studio --names api,health --manifest deploy/agent-ripley.yaml --commit\n  $ portolan allocate grafana-tempo --port 30450 --dry-run',
    )
    .action(async (service: string, path: string | undefined, flags: AllocateFlags) => {
      await runChange(
        context,
        { ...flags, path },
        (file, run) =>
          allocatePorts(
            file,
            {
              service,
              ...(flags.range !== undefined ? { range: flags.range } : {}),
              clusters: flags.cluster ?? [],
              ...(flags.port !== undefined ? { port: flags.port } : {}),
              protocol: flags.protocol,
              names: flags.names ?? [],
              ...(flags.exposure ? { exposure: flags.exposure } : {}),
              staticBand: flags.staticBand === true,
            },
            run,
          ),
        { text: allocationText, json: allocationJson },
      );
    });
}
