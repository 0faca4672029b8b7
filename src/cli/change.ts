import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { Registry } from '../core/types.ts';
import { changeRegistry, type ChangeOutcome, type Decision } from '../engine/change.ts';
import { ruleIds } from '../rules/index.ts';
import type { CommandContext } from './context.ts';
import { EXIT } from './exit.ts';
import { collect, outputFormatOptions, registryPathArgument } from './options.ts';
import { escapeControls } from '../core/escape.ts';

/** The options every command that changes the registry takes. */
export interface ChangeFlags {
  dryRun?: boolean;
  commit?: boolean;
  format: string;
  /** The registry named by the positional PATH, if one was given. */
  path?: string;
  manifest?: string[];
  valuesPath?: string;
  reason?: string;
  allowOutsideRepo?: boolean;
  wait: number;
}

/** Adds [path], --dry-run, --commit, --format/--json, --reason, --wait, --allow-outside-repo and, with `manifests`, --manifest and --values-path. */
export function changeOptions(command: Command, manifests: boolean): Command {
  registryPathArgument(command);
  command
    .option('--dry-run', 'say what would change, and write nothing')
    .option('--commit', 'commit the changed files with git, with a message that says what and why; exits 1 when they cannot be committed')
    .option('--reason <text>', 'why, for the commit message')
    .option('--allow-outside-repo', "let the manifests and the registry's document lie outside the registry's repository");
  outputFormatOptions(command, ['json', 'text']);
  if (manifests) {
    command
      .option('-m, --manifest <file>', 'also set the node port in this Kubernetes manifest: a Service, or a Flux HelmRelease (repeatable)', collect)
      .option('--values-path <path>', "for a HelmRelease, where the node port is under spec.values, such as service.nodePort");
  }
  return command.addOption(
    new Option('--wait <seconds>', 'how long to wait while another command holds the registry').default(60).argParser((text: string) => {
      const seconds = Number(text);
      if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--wait needs a number of seconds, not "${text}"`);
      return seconds;
    }),
  );
}

/** Runs a registry change for a command and prints its outcome as text or JSON. */
export async function runChange<T>(
  context: CommandContext,
  flags: ChangeFlags,
  decide: (registry: Registry, text: string) => Decision<T>,
  report: { text: (result: T) => string; json: (result: T) => Record<string, unknown> },
): Promise<ChangeOutcome<T>> {
  const { io } = context;
  const json = flags.format === 'json';
  const outcome = await changeRegistry(context.registryFile(flags.path), decide, {
    dryRun: flags.dryRun === true,
    commit: flags.commit === true,
    manifests: flags.manifest ?? [],
    ...(flags.valuesPath ? { valuesPath: flags.valuesPath } : {}),
    ruleIds,
    cwd: io.cwd,
    allowOutside: flags.allowOutsideRepo === true,
    lockTimeoutMs: flags.wait * 1000,
    onWait: (holder) => {
      if (!json) io.stderr(`waiting for the registry lock${holder ? ` held by process ${holder.pid}` : ''}...\n`);
    },
  });
  // `allocate --commit && git push` must not push when nothing was committed.
  if (flags.commit && !flags.dryRun && outcome.files.length > 0 && outcome.commit === undefined) context.exit(EXIT.findings);
  if (json) {
    io.stdout(
      `${JSON.stringify(
        {
          ...report.json(outcome.result),
          dryRun: flags.dryRun === true,
          files: outcome.files,
          manifestChanges: outcome.manifestChanges,
          commit: outcome.commit ?? null,
          notes: outcome.notes,
        },
        null,
        2,
      )}\n`,
    );
    return outcome;
  }
  const lines = [report.text(outcome.result)];
  const verb = flags.dryRun ? 'would write' : 'wrote';
  for (const file of outcome.files) lines.push(`  ${verb} ${file}`);
  for (const change of outcome.manifestChanges) lines.push(`    ${change}`);
  if (outcome.files.length === 0) lines.push('  nothing to change');
  if (outcome.commit) lines.push(`  committed ${outcome.commit.slice(0, 12)}`);
  io.stdout(escapeControls(`${lines.join('\n')}\n`));
  for (const note of outcome.notes) io.stderr(escapeControls(`portolan: ${note}\n`));
  return outcome;
}
