#!/usr/bin/env node
// The command's entry: answers --version before loading anything else, so it starts as fast as node.
declare const PORTOLAN_VERSION: string | undefined;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V') && typeof PORTOLAN_VERSION === 'string') {
  process.stdout.write(`${PORTOLAN_VERSION}\n`);
} else {
  // `portolan ports | head` closes the pipe early: stop quietly, as other Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const { main } = await import('./cli/main.ts');
  process.exitCode = await main(args);
}
