import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { scanExcludes, scanRegistry, scanRepository } from '../../engine/registry.ts';
import { liveScanJson, liveScanText, scanJson, scanText } from '../../reporters/scan.ts';
import type { CommandContext } from '../context.ts';
import { addLiveOptions, liveEngine, liveOptionsOf, wantsLive, type LiveFlags } from '../live-options.ts';
import { collect, outputFormatOptions } from '../options.ts';
import { progressLine } from '../progress.ts';

/** `portolan scan DIR`: what a GitOps repository deploys, per cluster. */
export function registerScan(program: Command, context: CommandContext): void {
  const command = program
    .command('scan')
    .summary('list the ports a GitOps repository deploys, per cluster')
    .description(
      'Read a GitOps repository (plain manifests, kustomize, Flux Kustomizations and HelmReleases, Argo CD Applications and ApplicationSets, kind configs) and list the ports it deploys to each cluster. With a registry (--registry, or portolan.yaml in DIR) its clusters, paths, servers, kind configs and scan.exclude are used. Each cluster says how it was found. `--format registry` is the old form of `portolan init --dry-run`.',
    )
    .argument('[dir]', 'the repository folder (none with --live)');
  outputFormatOptions(command, ['json', 'registry', 'text'])
    .option('--allow-outside-repo', "let the registry's kind configs lie outside its repository")
    .option('-o, --output <file>', 'with --format registry: write the registry to FILE (which must not exist) instead of printing it')
    .option('--exclude <glob>', 'leave out more folders or files (repeatable, or comma-separated)', collect);
  addLiveOptions(command)
    .addHelpText('after', '\nExamples:\n  $ portolan scan ../gitops\n  $ portolan scan ../gitops --exclude "staging/**" --format json\n  $ portolan scan --live --cluster studio')
    .action(async (dir: string | undefined, options: { format: string; output?: string; allowOutsideRepo?: boolean; exclude?: string[] } & LiveFlags) => {
      if (wantsLive(options)) {
        if (dir !== undefined || options.format === 'registry') throw new UsageError('scan --live reads the clusters of the registry (--registry FILE, or portolan.yaml here or above); give no DIR and no --format registry');
        const live = await (await liveEngine()).readLive({ ...liveOptionsOf(options, context, options.format === 'text'), registry: context.registry() });
        return context.io.stdout(options.format === 'json' ? liveScanJson(live) : liveScanText(live));
      }
      if (dir === undefined) throw new UsageError('give the repository folder: portolan scan DIR (or --live to read the clusters)');
      if (options.output !== undefined && options.format !== 'registry') throw new UsageError('--output is for --format registry');
      const output = options.output === undefined ? undefined : resolve(context.io.cwd, options.output);
      if (output !== undefined && existsSync(output)) throw new UsageError(`${options.output} exists; give a new file name, or remove it first`);
      const registry = scanRegistry(dir, context.registryOption(), context.io.cwd);
      const progress = progressLine(context.io, options.format === 'text');
      const observed = scanRepository(dir, {
        ...(registry ? { registry } : {}),
        cwd: context.io.cwd,
        onProgress: progress.update,
        allowOutside: options.allowOutsideRepo === true,
        ...(options.exclude ? { exclude: options.exclude } : {}),
      });
      progress.done();
      if (options.format === 'registry') {
        context.io.stderr(`note: \`scan DIR --format registry\` is the old form of \`portolan init --repo DIR --dry-run\`, which also says what it found, left out and why\n`);
        // The yaml library is loaded only here, to keep every other command's start quick.
        const { starterText } = await import('../../engine/init.ts');
        const exclude = scanExcludes(registry, options.exclude);
        const text = starterText(observed, { cwd: context.io.cwd, registryFolder: output !== undefined ? dirname(output) : resolve(context.io.cwd, dir), exclude });
        if (output === undefined) context.io.stdout(text);
        else {
          writeFileSync(output, text, { flag: 'wx' });
          context.io.stderr(`wrote ${options.output}\n`);
        }
      } else context.io.stdout(options.format === 'json' ? scanJson(observed) : scanText(observed));
    });
}
