import type { Command } from 'commander';
import { checkRegistry } from '../../engine/check.ts';
import { formats, reporters } from '../../reporters/index.ts';
import { scanRepo } from '../../sources/gitops-repo/index.ts';
import type { CommandContext } from '../context.ts';
import { outputFormatOptions, registryPathArgument } from '../options.ts';
import { EXIT } from '../exit.ts';
import { progressLine } from '../progress.ts';

/** `portolan check [PATH] [--repo DIR]`: every rule over the registry, and over what the repository deploys. */
export function registerCheck(program: Command, context: CommandContext): void {
  const command = program
    .command('check')
    .summary('check the registry against every rule')
    .description('Check the registry against every rule. With --repo, also read the GitOps repository DIR and report drift between it and the registry. Exits 0 when clean, 1 when a finding is at error severity, 2 when the input or the command is wrong.')
    .option('--repo <dir>', 'a GitOps repository (manifests, kustomize, Flux, Argo CD, kind configs) to compare with the registry');
  registryPathArgument(command);
  outputFormatOptions(command, formats)
    .addHelpText('after', '\nExamples:\n  $ portolan check\n  $ portolan check --repo ../gitops\n  $ portolan check examples/homelab --format sarif > portolan.sarif')
    .action((path: string | undefined, options: { format: string; repo?: string }) => {
      const registry = context.registry(path);
      let observed;
      if (options.repo !== undefined) {
        const progress = progressLine(context.io, options.format !== 'json' && options.format !== 'sarif');
        observed = scanRepo(options.repo, { registry, cwd: context.io.cwd, onProgress: progress.update });
        progress.done();
        if (observed.clusters.length === 0) {
          context.io.stderr(`portolan: found no cluster's manifests in ${options.repo}; say where they are with clusters.NAME.paths, or keep them in clusters/NAME\n`);
        }
      }
      const result = checkRegistry(registry, observed ? { observed } : {});
      context.io.stdout(reporters[options.format]!(result, { color: context.color() }));
      context.exit(result.summary.errors > 0 ? EXIT.findings : EXIT.clean);
    });
}
