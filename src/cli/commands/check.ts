import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import { checkRegistry } from '../../engine/check.ts';
import { interruptedChange } from '../../engine/recover.ts';
import { displayPath } from '../../registry/load.ts';
import { formats, reporters } from '../../reporters/index.ts';
import { scanRepo } from '../../sources/gitops-repo/index.ts';
import { collect, formatOption, type CommandContext } from '../context.ts';
import { EXIT } from '../exit.ts';
import { addLiveOptions, liveEngine, liveOptionsOf, wantsLive, type LiveFlags } from '../live-options.ts';
import { progressLine } from '../progress.ts';
import { escapeControls } from '../../core/escape.ts';

/** `portolan check [PATH] [--repo DIR]`: every rule over the registry, and over what the repository deploys. */
export function registerCheck(program: Command, context: CommandContext): void {
  const command = program
    .command('check')
    .summary('check the registry against every rule')
    .description('Check the registry against every rule. With --repo, also read the GitOps repository DIR and report drift between it and the registry. Exits 0 when clean, 1 when a finding is at error severity, 2 when the input or the command is wrong.')
    .argument('[path]', 'a registry file, or a folder that holds portolan.yaml (default: the nearest portolan.yaml)')
    .option('--repo <dir>', 'a GitOps repository (manifests, kustomize, Flux, Argo CD, kind configs) to compare with the registry')
    .option('--allow-outside-repo', "let the registry's kind configs lie outside its repository")
    .option('--exclude <glob>', 'with --repo: leave out more folders or files (repeatable, or comma-separated)', collect)
    .addOption(formatOption(formats));
  addLiveOptions(command)
    .addHelpText('after', '\nExamples:\n  $ portolan check\n  $ portolan check --repo ../gitops\n  $ portolan check --live --repo ../gitops\n  $ portolan check --live-snapshot live.json\n  $ portolan check examples/homelab --format sarif > portolan.sarif')
    .action(async (path: string | undefined, options: { format: string; repo?: string; allowOutsideRepo?: boolean; exclude?: string[] } & LiveFlags) => {
      const registry = context.registry(path);
      const pending = interruptedChange(context.registryFile(path));
      if (pending) {
        const files = pending.files.map((step) => displayPath(step.target, context.io.cwd)).join(', ');
        throw new InputError(
          pending.state === 'committing'
            ? `${registry.file}: a change of ${files} was interrupted halfway; these files may not agree`
            : `${registry.file}: a change of ${files} was interrupted before any file was replaced; its temporary files remain`,
          undefined,
          'run `portolan recover` to finish it (or to clean up), then check again',
        );
      }
      const interactive = options.format !== 'json' && options.format !== 'sarif';
      const repoScan = { allowOutside: options.allowOutsideRepo === true, ...(options.exclude ? { exclude: options.exclude } : {}) };
      if (wantsLive(options)) {
        const progress = progressLine(context.io, interactive);
        const result = await (await liveEngine()).checkLive({
          ...liveOptionsOf(options, registry, context, interactive),
          ...(options.repo !== undefined ? { repo: options.repo, onRepoProgress: progress.update, repoScan } : {}),
        });
        progress.done();
        context.io.stdout(reporters[options.format]!(result, { color: context.color() }));
        return context.exit(result.summary.errors > 0 ? EXIT.findings : EXIT.clean);
      }
      let observed;
      if (options.repo !== undefined) {
        const progress = progressLine(context.io, interactive);
        observed = scanRepo(options.repo, { ...repoScan, registry, cwd: context.io.cwd, onProgress: progress.update });
        progress.done();
        if (observed.clusters.length === 0) {
          context.io.stderr(`portolan: found no cluster's manifests in ${escapeControls(options.repo)}; say where they are with clusters.NAME.paths, or run \`portolan init\` to find them\n`);
        }
      }
      const result = checkRegistry(registry, observed ? { observed } : {});
      context.io.stdout(reporters[options.format]!(result, { color: context.color() }));
      context.exit(result.summary.errors > 0 ? EXIT.findings : EXIT.clean);
    });
}
