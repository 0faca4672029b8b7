import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion.ts';
import type { CommandContext } from '../context.ts';

/** `portolan completion SHELL`: the shell's completion script for every command and option. */
export function registerCompletion(program: Command, context: CommandContext): void {
  program
    .command('completion')
    .summary('print the shell completion script')
    .description('Print the completion script for bash, zsh or fish: commands, their options and the values of --format and the other fixed choices.')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      '\nExamples:\n  $ source <(portolan completion bash)            # in ~/.bashrc\n  $ portolan completion zsh > "${fpath[1]}/_portolan"\n  $ portolan completion fish > ~/.config/fish/completions/portolan.fish',
    )
    .action((shell: Shell) => {
      context.io.stdout(completionScript(shell, program));
    });
}
