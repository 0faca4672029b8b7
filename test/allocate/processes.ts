import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

/** A finished child process. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const built = existsSync(join(ROOT, 'dist', 'cli.js')) && existsSync(join(ROOT, 'dist', 'index.js'));

/** Node arguments that run the CLI: the built one (`npm test` builds first), else the sources through tsx. */
export const CLI_ARGS = built ? [join(ROOT, 'dist', 'cli.js')] : [join(ROOT, 'src', 'cli.ts')];

/** The module that exports `main`, for scripts that run the CLI in a loop. */
export const LIBRARY = built ? join(ROOT, 'dist', 'index.js') : join(ROOT, 'src', 'index.ts');

/** Starts `node ARGS` in `cwd`; `exited` settles when it ends, however it ends. */
export function startNode(args: readonly string[], cwd: string) {
  const child = spawn(process.execPath, [...(built ? [] : ['--import', 'tsx']), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited, output: () => stdout, errors: () => stderr };
}
