import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { registerCheck } from './check.ts';
import { registerDocs } from './docs.ts';
import { registerFree } from './free.ts';
import { registerImport } from './import.ts';
import { registerPorts } from './ports.ts';
import { registerSchema } from './schema.ts';
import { registerWho } from './who.ts';

/** Every command, in the order `--help` lists them. */
export const commands: readonly ((program: Command, context: CommandContext) => void)[] = [
  registerCheck,
  registerPorts,
  registerFree,
  registerWho,
  registerSchema,
  registerImport,
  registerDocs,
];
