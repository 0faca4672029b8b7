import type { Command } from 'commander';
import { initRegistry } from '../../engine/init.ts';
import { initText } from '../../reporters/init.ts';
import { collect, type CommandContext } from '../context.ts';
import { progressLine } from '../progress.ts';

/** `portolan init [--repo DIR] [--doc DOC.md]`: a registry written from what a repository deploys. */
export function registerInit(program: Command, context: CommandContext): void {
  program
    .command('init')
    .summary('write portolan.yaml from what a repository deploys')
    .description(
      'Read the repository (Flux, Argo CD, kustomize, helmfile, Helm charts, kind configs) and write portolan.yaml in it: every cluster found, with its paths, kind config, server and host; every service with all its ports; ranges around ports that lie together; the folders left out. With --doc, the port document\'s ranges, services and notes come first. Prints what it found, what it left out and why, and what `check --repo` will report.',
    )
    .option('--repo <dir>', 'the repository folder', '.')
    .option('--doc <document>', 'a Markdown port document to start from')
    .option('--force', 'replace portolan.yaml if it exists')
    .option('--dry-run', 'print the registry instead of writing it')
    .option('--exclude <glob>', 'leave out more folders or files (repeatable, or comma-separated)', collect)
    .addHelpText('after', '\nExamples:\n  $ portolan init\n  $ portolan init --repo ../homelab --doc ../homelab/docs/ports.md --dry-run')
    .action((options: { repo: string; doc?: string; force?: boolean; dryRun?: boolean; exclude?: string[] }) => {
      const progress = progressLine(context.io, true);
      const result = initRegistry({
        repo: options.repo,
        cwd: context.io.cwd,
        ...(options.doc !== undefined ? { doc: options.doc } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.exclude ? { exclude: options.exclude } : {}),
        onProgress: progress.update,
      });
      progress.done();
      if (options.dryRun) {
        context.io.stdout(result.text);
        context.io.stderr(initText(result));
      } else context.io.stdout(initText(result));
    });
}
