import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { ChangeOutcome, ChangeRun } from '../engine/registry-changes.ts';
import { changeOutcomeJson, changeOutcomeText, type ChangeJson } from '../reporters/changes.ts';
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

/** Runs a registry change through the engine for a command and prints its outcome as text or JSON. */
export async function runChange<T>(
  context: CommandContext,
  flags: ChangeFlags,
  perform: (file: string, run: ChangeRun) => Promise<ChangeOutcome<T>>,
  report: { text: (result: T) => string; json: (result: T) => ChangeJson },
): Promise<ChangeOutcome<T>> {
  const { io } = context;
  const json = flags.format === 'json';
  const dryRun = flags.dryRun === true;
  const outcome = await perform(context.registryFile(flags.path), {
    dryRun,
    commit: flags.commit === true,
    manifests: flags.manifest ?? [],
    ...(flags.valuesPath ? { valuesPath: flags.valuesPath } : {}),
    ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
    cwd: io.cwd,
    allowOutside: flags.allowOutsideRepo === true,
    lockTimeoutMs: flags.wait * 1000,
    onWait: (holder) => {
      if (!json) io.stderr(`waiting for the registry lock${holder ? ` held by process ${holder.pid}` : ''}...\n`);
    },
  });
  // `allocate --commit && git push` must not push when nothing was committed.
  if (flags.commit && !dryRun && outcome.files.length > 0 && outcome.commit === undefined) context.exit(EXIT.findings);
  if (json) {
    io.stdout(`${JSON.stringify(changeOutcomeJson(report.json(outcome.result), outcome, dryRun), null, 2)}\n`);
    return outcome;
  }
  io.stdout(escapeControls(changeOutcomeText(report.text(outcome.result), outcome, dryRun)));
  for (const note of outcome.notes) io.stderr(escapeControls(`portolan: ${note}\n`));
  return outcome;
}
