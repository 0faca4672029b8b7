import type { Command } from 'commander';
import { recoverRegistry } from '../../engine/recover.ts';
import { displayPath } from '../../engine/registry.ts';
import type { CommandContext } from '../context.ts';
import { REGISTRY_PATH_DESCRIPTION } from '../options.ts';
import { escapeControls } from '../../core/escape.ts';

/** `portolan recover [PATH]`: finish a change of several files that a crash or a full disk interrupted. */
export function registerRecover(program: Command, context: CommandContext): void {
  program
    .command('recover')
    .summary('finish a change that a crash interrupted')
    .description(
      "Finish a change of several files (registry, manifests, port document) that a crash, a kill or a full disk interrupted, as recorded beside the registry: every file gets its new text, or, when none had been replaced yet, the change is undone. Every command that changes the registry does this first; `check` exits 2 while one is pending.",
    )
    .argument('[path]', REGISTRY_PATH_DESCRIPTION)
    .option('--allow-outside-repo', "follow a record that names files outside the registry's repository")
    .addHelpText('after', '\nExamples:\n  $ portolan recover\n  $ portolan recover examples/homelab')
    .action(async (path: string | undefined, options: { allowOutsideRepo?: boolean }) => {
      const file = context.registryFile(path);
      const recovered = await recoverRegistry(file, { allowOutside: options.allowOutsideRepo === true });
      const { io } = context;
      if (!recovered) {
        io.stdout(escapeControls(`${displayPath(file, io.cwd)}: no interrupted change\n`));
        return;
      }
      const files = recovered.files.map((f) => displayPath(f, io.cwd)).join(', ');
      io.stdout(escapeControls(`${recovered.outcome === 'finished' ? 'finished' : 'undid'} the interrupted change of ${files}\n`));
    });
}
