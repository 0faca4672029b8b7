import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { escapeControls } from '../../core/escape.ts';
import { displayPath } from '../../engine/registry.ts';
import type { CommandContext } from '../context.ts';
import { registryPathArgument } from '../options.ts';
import { untilStopped } from '../signals.ts';
import { tokensFileOf } from './token.ts';

interface ServeFlags {
  repo?: string;
  listen: string;
  tokens?: string;
  commit?: boolean;
  push?: boolean;
  publicReads?: boolean;
  rate: number;
  liveInterval?: number;
  kubeconfig?: string;
  liveTimeout: number;
}

/** `portolan serve [PATH]`: the HTTP API over the same engine as the CLI, until SIGTERM or SIGINT. */
export function registerServe(program: Command, context: CommandContext): void {
  const command = program
    .command('serve')
    .summary('serve the registry over HTTP')
    .description(
      'Serve the registry over HTTP (/v1/..., /openapi.json, /healthz, /readyz): reads from memory, reloaded when the file changes; writes through the same lock and atomic change as the CLI, each with a write token. Listens on loopback by default, where reads need no token.',
    )
    .option('--repo <dir>', 'a GitOps repository: /v1/findings then runs the drift rules too')
    .option('--listen <address>', 'HOST:PORT to listen on', '127.0.0.1:7420')
    .option('--tokens <file>', 'the tokens file from `portolan token add` (default: portolan-tokens.json beside the registry, when it exists)')
    .option('--commit', 'commit each change with git')
    .option('--push', "commit each change and push it to the clone's remote branch; a rejected push is fetched, decided again and retried (give the server a clone of its own)")
    .option('--public-reads', 'answer reads without a token even when not on loopback')
    .option('--rate <per-second>', 'requests a second each token (or address, without one) may make; more get 429', (text: string) => {
      const rate = Number(text);
      if (!Number.isFinite(rate) || rate <= 0) throw new UsageError(`--rate "${text}" is not a number of requests a second; give one such as 200`);
      return rate;
    }, 200)
    .option('--live-interval <duration>', 'read the live clusters this often (60s, 5m, or seconds): /v1/findings?source=live and the drift metrics', (text: string) => duration(text, '--live-interval'))
    .option('--kubeconfig <file>', 'with --live-interval: the kubeconfig to use (default: KUBECONFIG, else ~/.kube/config)')
    .option('--live-timeout <duration>', 'with --live-interval: how long each cluster may take', (text: string) => duration(text, '--live-timeout'), 30);
  registryPathArgument(command)
    .addHelpText('after', '\nExamples:\n  $ portolan serve\n  $ portolan serve examples/homelab --listen 127.0.0.1:7420 --commit\n  $ portolan serve --listen 0.0.0.0:7420 --tokens /etc/portolan/tokens.json')
    .action(async (path: string | undefined, flags: ServeFlags) => {
      const { host, port } = listenAddress(flags.listen);
      if (flags.kubeconfig !== undefined && flags.liveInterval === undefined) throw new UsageError('--kubeconfig is for --live-interval');
      const file = context.registryFile(path);
      context.registry(path);
      const named = tokensFileOf(context, flags.tokens, path);
      const tokensFile = flags.tokens !== undefined || existsSync(named) ? named : undefined;
      const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
      const { buildApi } = await import('../../server/api.ts');
      const app = await buildApi({ file, cwd: context.io.cwd, ...(flags.repo !== undefined ? { repo: flags.repo } : {}), commit: flags.commit === true, push: flags.push === true, ...(tokensFile ? { tokensFile } : {}), openReads: loopback || flags.publicReads === true, ratePerSecond: flags.rate,
        ...(flags.liveInterval !== undefined
          ? { live: { intervalMs: flags.liveInterval * 1000, timeoutMs: flags.liveTimeout * 1000, env: process.env, ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}) } }
          : {}),
      });
      const address = await app.listen({ host, port });
      context.io.stderr(escapeControls(`portolan: serving ${displayPath(file, context.io.cwd)} on ${address}${tokensFile ? `, tokens from ${displayPath(tokensFile, context.io.cwd)}` : ', taking no writes (no tokens file)'}\n`));
      context.io.stderr(escapeControls(`portolan: the dashboard is at ${address}/\n`));
      // SIGTERM: stop taking requests, let the ones in flight (writes too) finish, then exit.
      await untilStopped(() => app.close());
      context.io.stderr('portolan: stopped\n');
    });
}

/** A duration in seconds from `90`, `60s`, `5m` or `1h`. */
export function duration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!(seconds >= 1 && seconds <= 86400)) throw new UsageError(`${flag} "${text}" is not a duration from 1s to 24h; give one such as 60s or 5m`);
  return seconds;
}

/** HOST:PORT, [IPv6]:PORT, or a bare port on loopback. */
export function listenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text) ?? (/^\d{1,5}$/.test(text) ? [text, undefined, '127.0.0.1', text] : null);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new UsageError(`--listen "${text}" is not HOST:PORT; give one such as 127.0.0.1:7420`);
  return { host: match[1] ?? match[2]!, port };
}
