import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../../core/errors.ts';

/** Where to find kubeconfig files, as kubectl looks for them. */
export interface KubeconfigOptions {
  /** `--kubeconfig FILE`: this file only. */
  file?: string;
  /** The environment, for `KUBECONFIG` (a list of files, merged) and the home folder. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/**
 * Loads the kubeconfig as kubectl does: `--kubeconfig`, else every file `KUBECONFIG` lists (the
 * first to name a context, cluster or user wins), else `~/.kube/config`. A file that cannot be
 * read or parsed is an InputError naming it.
 */
export function loadKubeconfig(options: KubeconfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const listed = options.file !== undefined ? [options.file] : env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : undefined;
  const files = listed ?? [resolve(env.HOME ?? homedir(), '.kube', 'config')];
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  let found = false;
  for (const file of files) {
    const path = resolve(cwd, file);
    // kubectl skips KUBECONFIG entries that do not exist, but not a --kubeconfig that does not.
    if (!existsSync(path) && options.file === undefined) continue;
    const config = new KubeConfig();
    try {
      // loadFromFile resolves certificate and key paths against the file's folder, as kubectl does.
      config.loadFromFile(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InputError(`${file}: cannot read this kubeconfig: ${reason}`, undefined, 'give a kubeconfig file, as `kubectl config view --raw` prints one', { cause: error });
    }
    found = true;
    if (!merged.currentContext) merged.currentContext = config.currentContext;
    for (const cluster of config.clusters) if (!merged.clusters.some((c) => c.name === cluster.name)) merged.clusters.push(cluster);
    for (const user of config.users) if (!merged.users.some((u) => u.name === user.name)) merged.users.push(user);
    for (const context of config.contexts) if (!merged.contexts.some((c) => c.name === context.name)) merged.contexts.push(context);
  }
  if (!found) {
    throw new InputError(`no kubeconfig found (looked in ${files.join(', ')})`, undefined, 'give one with --kubeconfig FILE or KUBECONFIG, or read a snapshot with --live-snapshot FILE');
  }
  return merged;
}

/** A kubeconfig reduced to one context, so that its API clients talk to that context's cluster as its user. */
export function forContext(config: KubeConfig, context: string): KubeConfig | undefined {
  const entry = config.getContextObject(context);
  if (!entry) return undefined;
  const single = new KubeConfig();
  single.loadFromOptions({ clusters: config.clusters, users: config.users, contexts: config.contexts, currentContext: context });
  return single;
}
