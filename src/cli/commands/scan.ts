import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import type { Registry } from '../../core/types.ts';
import { findRegistry, loadRegistry, REGISTRY_FILE } from '../../registry/load.ts';
import { scanJson, scanText } from '../../reporters/scan.ts';
import { ruleIds } from '../../rules/index.ts';
import { scanRepo } from '../../sources/gitops-repo/index.ts';
import type { CommandContext } from '../context.ts';
import { outputFormatOptions } from '../options.ts';
import { progressLine } from '../progress.ts';

/** `portolan scan DIR`: what a GitOps repository deploys, per cluster. */
export function registerScan(program: Command, context: CommandContext): void {
  const command = program
    .command('scan')
    .summary('list the ports a GitOps repository deploys, per cluster')
    .description(
      'Read a GitOps repository (plain manifests, kustomize, Flux Kustomizations and HelmReleases, Argo CD Applications and ApplicationSets, kind configs) and list the ports it deploys to each cluster. With a registry (--registry, or portolan.yaml in DIR) its clusters, paths and kind configs are used. `--format registry` prints a starting portolan.yaml.',
    )
    .argument('<dir>', 'the repository folder');
  outputFormatOptions(command, ['json', 'registry', 'text'])
    .option('-o, --output <file>', 'with --format registry: write the registry to FILE (which must not exist) instead of printing it')
    .addHelpText('after', '\nExamples:\n  $ portolan scan ../gitops\n  $ portolan scan ../gitops --format registry -o portolan.yaml')
    .action(async (dir: string, options: { format: string; output?: string }) => {
      if (options.output !== undefined && options.format !== 'registry') throw new UsageError('--output is for --format registry');
      const output = options.output === undefined ? undefined : resolve(context.io.cwd, options.output);
      if (output !== undefined && existsSync(output)) throw new UsageError(`${options.output} exists; give a new file name, or remove it first`);
      const registry = scanRegistry(context, dir);
      const progress = progressLine(context.io, options.format === 'text');
      const observed = scanRepo(dir, { ...(registry ? { registry } : {}), cwd: context.io.cwd, onProgress: progress.update });
      progress.done();
      if (options.format === 'registry') {
        // The yaml library is loaded only here, to keep every other command's start quick.
        const { starterRegistry } = await import('../../registry/from-observation.ts');
        const text = starterRegistry(observed, { repo: resolve(context.io.cwd, dir), cwd: context.io.cwd });
        if (output === undefined) context.io.stdout(text);
        else {
          writeFileSync(output, text, { flag: 'wx' });
          context.io.stderr(`wrote ${options.output}\n`);
        }
      } else context.io.stdout(options.format === 'json' ? scanJson(observed) : scanText(observed));
    });
}

/** The registry named by --registry, or DIR's own portolan.yaml; none otherwise. */
function scanRegistry(context: CommandContext, dir: string): Registry | undefined {
  const inside = join(resolve(context.io.cwd, dir), REGISTRY_FILE);
  const named = context.registryOption();
  if (named === undefined && !existsSync(inside)) return undefined;
  return loadRegistry(findRegistry(named ?? inside, context.io.cwd), { ruleIds, cwd: context.io.cwd });
}
