import { Command, CommanderError } from 'commander';
import { formatInputError, inputErrorsOf, UsageError } from '../core/errors.ts';
import { version } from '../version.ts';
import { commands } from './commands/index.ts';
import { createContext } from './context.ts';
import { EXIT } from './exit.ts';
import { processIo, type CliIo } from './io.ts';
import { escapeControls } from '../core/escape.ts';

/** Runs the command line `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.clean;
  const program = new Command('portolan')
    .description('A port registry and checker for teams that run several Kubernetes clusters.')
    .version(version, '-V, --version')
    .option('--registry <file>', 'the registry file (default: portolan.yaml here or in a folder above)')
    .option('--color', 'colour the output even when it is not a terminal')
    .option('--no-color', 'never colour the output')
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText('after', '\nExamples:\n  $ portolan check examples/homelab\n  $ portolan free ai-agents --cluster studio\n  $ portolan who 30081\n');
  const context = createContext(io, () => program.opts(), (code) => (exitCode = code));
  for (const register of commands) register(program, context);
  // Commander's own errors read like every other: `portolan: unknown option '--formt'`. It repeats
  // what was typed (an unknown option, a bad value): shown escaped, like everything else.
  const output = {
    writeOut: (text: string) => io.stdout(escapeControls(text)),
    writeErr: (text: string) => io.stderr(escapeControls(text)),
    outputError: (text: string, write: (text: string) => void) => write(text.replace(/^error: /, 'portolan: ')),
  };
  program.configureOutput(output);
  // Subcommands of subcommands (`token add`) too.
  const configure = (command: Command): void => {
    for (const sub of command.commands) configure(sub.exitOverride().configureOutput(output));
  };
  configure(program);

  // Bare `portolan` is a question, not a mistake: the help goes to stdout.
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.clean;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return handle(error, io);
  }
}

/** Known errors become one clear message and exit 2; anything else is a bug and is rethrown. */
function handle(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message.
    const benign = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
    return benign.includes(error.code) ? EXIT.clean : EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.stderr(`portolan: ${escapeControls(error.message)}\n`);
    return EXIT.usage;
  }
  const inputErrors = inputErrorsOf(error);
  if (inputErrors.length > 0) {
    for (const inputError of inputErrors) io.stderr(`portolan: ${formatInputError(inputError)}\n`);
    if (inputErrors.length > 1) io.stderr(`${inputErrors.length} errors\n`);
    return EXIT.usage;
  }
  throw error;
}
