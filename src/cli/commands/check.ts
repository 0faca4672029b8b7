import type { Command } from 'commander';
import { inputErrorsOf } from '../../core/errors.ts';
import type { CheckResult } from '../../core/types.ts';
import { checkFailure } from '../../engine/check.ts';
import { runCheck } from '../../engine/check-run.ts';
import { formats, reporters } from '../../reporters/index.ts';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../exit.ts';
import { addLiveOptions, liveOptionsOf, wantsLive, type LiveFlags } from '../live-options.ts';
import { collect, outputFormatOptions, parseCount, registryPathArgument } from '../options.ts';
import { progressLine } from '../progress.ts';
import { escapeControls } from '../../core/escape.ts';

interface CheckFlags extends LiveFlags {
  format: string;
  repo?: string;
  allowOutsideRepo?: boolean;
  exclude?: string[];
  rule?: string[];
  quiet?: boolean;
  maxWarnings?: number;
  showSuppressed?: boolean;
}

/** `portolan check [PATH] [--repo DIR] [--live]`: every rule over the registry, over what the repository deploys, and over what the clusters run. */
export function registerCheck(program: Command, context: CommandContext): void {
  const command = program
    .command('check')
    .summary('check the registry against every rule')
    .description(
      'Check the registry against every rule. With --repo, also read the GitOps repository DIR and report drift between it and the registry; with --live, what the clusters run. Exits 0 when clean, 1 when a finding is at error severity (or there are more warnings than --max-warnings), 2 when the input or the command is wrong.',
    )
    .option('--repo <dir>', 'a GitOps repository (manifests, kustomize, Flux, Argo CD, kind configs) to compare with the registry')
    .option('--allow-outside-repo', "let the registry's kind configs lie outside its repository")
    .option('--exclude <glob>', 'with --repo: leave out more folders or files (repeatable, or comma-separated)', collect)
    .option('-c, --cluster <cluster>', 'only findings about these clusters, and those about every cluster; with --live, only these clusters are read (repeat, or separate with commas)', collect)
    .option('--rule <rule>', 'only these rules (repeat, or separate with commas)', collect)
    .option('-q, --quiet', 'only findings at error severity')
    .option('--max-warnings <count>', 'exit 1 when there are more warnings than this', parseCount('--max-warnings'))
    .option('--show-suppressed', 'also list the findings an ignore accepted, with their reasons');
  registryPathArgument(command);
  addLiveOptions(outputFormatOptions(command, formats))
    .addHelpText(
      'after',
      '\nExamples:\n  $ portolan check\n  $ portolan check --repo ../gitops --cluster studio\n  $ portolan check --live --repo ../gitops\n  $ portolan check --live-snapshot live.json\n  $ portolan check examples/homelab --format sarif > portolan.sarif\n  $ portolan check --quiet --max-warnings 0',
    )
    .action(async (path: string | undefined, options: CheckFlags) => {
      const machine = options.format === 'json' || options.format === 'sarif';
      const live = wantsLive(options, { clusterFilters: true });
      let result: CheckResult;
      try {
        const progress = progressLine(context.io, !machine);
        const run = await runCheck({
          file: context.registryFile(path),
          cwd: context.io.cwd,
          ...(options.repo !== undefined ? { repo: options.repo, onRepoProgress: progress.update } : {}),
          repoScan: { allowOutside: options.allowOutsideRepo === true, ...(options.exclude ? { exclude: options.exclude } : {}) },
          ...(live ? { live: liveOptionsOf(options, context, !machine) } : {}),
          filters: { only: options.rule ?? [], clusters: options.cluster ?? [], quiet: options.quiet === true },
        });
        progress.done();
        if (run.emptyRepo) {
          context.io.stderr(`portolan: found no cluster's manifests in ${escapeControls(options.repo!)}; say where they are with clusters.NAME.paths, or run \`portolan init\` to find them\n`);
        }
        result = run.result;
      } catch (error) {
        // Code scanning shows a registry (or repository) that cannot be read, rather than an empty upload; stderr says it too.
        const errors = inputErrorsOf(error);
        if (machine && errors.length > 0) {
          const files = [...new Set(errors.flatMap((e) => (e.at ? [e.at.file] : [])))];
          context.io.stdout(reporters[options.format]!(checkFailure(files, errors), { color: false }));
        }
        throw error;
      }
      context.io.stdout(reporters[options.format]!(result, { color: context.color(), showSuppressed: options.showSuppressed === true }));
      const tooManyWarnings = options.maxWarnings !== undefined && result.summary.warnings > options.maxWarnings;
      if (tooManyWarnings && !machine) context.io.stderr(`portolan: ${result.summary.warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
      context.exit(result.summary.errors > 0 || tooManyWarnings ? EXIT.findings : EXIT.clean);
    });
}
