import type { Command } from 'commander';
import { releaseService } from '../../engine/registry-changes.ts';
import { releaseJson, releaseText } from '../../reporters/changes.ts';
import { changeOptions, runChange, type ChangeFlags } from '../change.ts';
import { collect, type CommandContext } from '../context.ts';

interface ReleaseFlags extends ChangeFlags {
  cluster?: string[];
}

/** `portolan release SERVICE`: free a service's ports, everywhere or in some clusters. */
export function registerRelease(program: Command, context: CommandContext): void {
  const command = program
    .command('release')
    .summary("free a service's ports")
    .description("Take SERVICE out of the registry, freeing its ports; with --cluster, only take it out of those clusters (the entry's clusters list shrinks, and it goes when none are left).")
    .argument('<service>', 'the service entry to release')
    .option('-c, --cluster <cluster>', 'only these clusters (repeat, or separate with commas)', collect);
  changeOptions(command, false)
    .addHelpText('after', '\nExamples:\n  $ portolan release agent-auditor --commit --reason "replaced by agent-auditor-service"\n  $ portolan release rabbitmq --cluster pro')
    .action(async (service: string, path: string | undefined, flags: ReleaseFlags) => {
      await runChange(context, { ...flags, path }, (file, run) => releaseService(file, { service, clusters: flags.cluster ?? [] }, run), { text: releaseText, json: releaseJson });
    });
}
