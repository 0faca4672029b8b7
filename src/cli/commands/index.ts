import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { registerCheck } from './check.ts';
import { registerFree } from './free.ts';
import { registerPorts } from './ports.ts';
import { registerScan } from './scan.ts';
import { registerSchema } from './schema.ts';
import { registerWho } from './who.ts';

/** Every command, in the order `--help` lists them. */
export const commands: readonly ((program: Command, context: CommandContext) => void)[] = [
  registerCheck,
  registerPorts,
  registerFree,
  registerWho,
  registerScan,
  registerSchema,
];
