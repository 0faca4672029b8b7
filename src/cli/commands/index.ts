import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { registerAllocate } from './allocate.ts';
import { registerCheck } from './check.ts';
import { registerCompletion } from './completion.ts';
import { registerDocs } from './docs.ts';
import { registerFree } from './free.ts';
import { registerImport } from './import.ts';
import { registerInit } from './init.ts';
import { registerMcp } from './mcp.ts';
import { registerMove } from './move.ts';
import { registerPolicy } from './policy.ts';
import { registerPorts } from './ports.ts';
import { registerRecover } from './recover.ts';
import { registerRelease } from './release.ts';
import { registerReserve } from './reserve.ts';
import { registerScan } from './scan.ts';
import { registerServe } from './serve.ts';
import { registerSchema } from './schema.ts';
import { registerSnapshot } from './snapshot.ts';
import { registerToken } from './token.ts';
import { registerWebhook } from './webhook.ts';
import { registerWho } from './who.ts';

/** Every command, in the order `--help` lists them. */
export const commands: readonly ((program: Command, context: CommandContext) => void)[] = [
  registerInit,
  registerCheck,
  registerPorts,
  registerFree,
  registerWho,
  registerAllocate,
  registerMove,
  registerRelease,
  registerReserve,
  registerRecover,
  registerImport,
  registerDocs,
  registerScan,
  registerServe,
  registerMcp,
  registerToken,
  registerSnapshot,
  registerPolicy,
  registerWebhook,
  registerSchema,
  registerCompletion,
];
