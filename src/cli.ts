#!/usr/bin/env node
// The command's entry: answers --version before loading anything else, so it starts as fast as node.
declare const PORTOLAN_VERSION: string | undefined;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V') && typeof PORTOLAN_VERSION === 'string') {
  process.stdout.write(`${PORTOLAN_VERSION}\n`);
} else {
  const { main } = await import('./cli/main.ts');
  process.exitCode = await main(args);
}
