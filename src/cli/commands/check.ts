import type { Command } from 'commander';
import { inputErrorsOf } from '../../core/errors.ts';
import { checkFailure, checkRegistry } from '../../engine/check.ts';
import { formats, reporters } from '../../reporters/index.ts';
import { scanRepo } from '../../sources/gitops-repo/index.ts';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../exit.ts';
import { collect, outputFormatOptions, parseCount, registryPathArgument } from '../options.ts';
import { progressLine } from '../progress.ts';

interface CheckFlags {
  format: string;
  repo?: string;
  cluster?: string[];
  rule?: string[];
  quiet?: boolean;
  maxWarnings?: number;
  showSuppressed?: boolean;
}

/** `portolan check [PATH] [--repo DIR]`: every rule over the registry, and over what the repository deploys. */
export function registerCheck(program: Command, context: CommandContext): void {
  const command = program
    .command('check')
    .summary('check the registry against every rule')
    .description('Check the registry against every rule. With --repo, also read the GitOps repository DIR and report drift between it and the registry. Exits 0 when clean, 1 when a finding is at error severity (or there are more warnings than --max-warnings), 2 when the input or the command is wrong.')
    .option('--repo <dir>', 'a GitOps repository (manifests, kustomize, Flux, Argo CD, kind configs) to compare with the registry')
    .option('-c, --cluster <cluster>', 'only findings about these clusters, and those about every cluster (repeat, or separate with commas)', collect)
    .option('--rule <rule>', 'only these rules (repeat, or separate with commas)', collect)
    .option('-q, --quiet', 'only findings at error severity')
    .option('--max-warnings <count>', 'exit 1 when there are more warnings than this', parseCount('--max-warnings'))
    .option('--show-suppressed', 'also list the findings an ignore accepted, with their reasons');
  registryPathArgument(command);
  outputFormatOptions(command, formats)
    .addHelpText('after', '\nExamples:\n  $ portolan check\n  $ portolan check --repo ../gitops --cluster studio\n  $ portolan check examples/homelab --format sarif > portolan.sarif\n  $ portolan check --quiet --max-warnings 0')
    .action((path: string | undefined, options: CheckFlags) => {
      const machine = options.format === 'json' || options.format === 'sarif';
      let registry;
      let observed;
      try {
        registry = context.registry(path);
        if (options.repo !== undefined) {
          const progress = progressLine(context.io, !machine);
          observed = scanRepo(options.repo, { registry, cwd: context.io.cwd, onProgress: progress.update });
          progress.done();
        }
      } catch (error) {
        // Code scanning shows a registry (or repository) that cannot be read, rather than an empty upload; stderr says it too.
        const errors = inputErrorsOf(error);
        if (machine && errors.length > 0) {
          const files = [...new Set(errors.flatMap((e) => (e.at ? [e.at.file] : [])))];
          context.io.stdout(reporters[options.format]!(checkFailure(files, errors), { color: false }));
        }
        throw error;
      }
      if (observed && observed.clusters.length === 0) {
        context.io.stderr(`portolan: found no cluster's manifests in ${options.repo}; say where they are with clusters.NAME.paths, or keep them in clusters/NAME\n`);
      }
      const result = checkRegistry(registry, {
        ...(observed ? { observed } : {}),
        only: options.rule ?? [],
        clusters: options.cluster ?? [],
        quiet: options.quiet === true,
      });
      context.io.stdout(reporters[options.format]!(result, { color: context.color(), showSuppressed: options.showSuppressed === true }));
      const tooManyWarnings = options.maxWarnings !== undefined && result.summary.warnings > options.maxWarnings;
      if (tooManyWarnings && !machine) context.io.stderr(`portolan: ${result.summary.warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
      context.exit(result.summary.errors > 0 || tooManyWarnings ? EXIT.findings : EXIT.clean);
    });
}
