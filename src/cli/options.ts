import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { suggestion } from '../core/suggest.ts';

// The grammar every command shares: where the registry is, what format to print, and how lists
// are given. A command adds these with one call each, so every `--help` reads the same.

/** The positional PATH of every command that reads a registry. */
export const REGISTRY_PATH_DESCRIPTION = 'a registry file, or a folder that holds portolan.yaml (default: --registry, or the nearest portolan.yaml)';

/** Adds the optional positional `[path]` that names the registry. */
export function registryPathArgument(command: Command): Command {
  return command.argument('[path]', REGISTRY_PATH_DESCRIPTION);
}

/** Adds `-f, --format` with the given names, and `--json` as another way to say `--format json`. */
export function outputFormatOptions(command: Command, formats: readonly string[], fallback = 'text'): Command {
  command.addOption(formatOption(formats, fallback));
  if (formats.includes('json')) {
    command.addOption(new Option('--json', 'the same as --format json').implies({ format: 'json' }));
    command.hook('preAction', (self) => {
      const format = self.opts().format as string;
      if (self.getOptionValueSource('json') === 'cli' && self.getOptionValueSource('format') === 'cli' && format !== 'json') {
        throw new UsageError(`--json and --format ${format} ask for two formats; give one of them`);
      }
    });
  }
  return command;
}

/** A `--format` option that accepts the given names and lists them when another is given. */
export function formatOption(formats: readonly string[], fallback = 'text'): Option {
  const sorted = [...formats].sort();
  const option = new Option('-f, --format <format>', 'the output format').default(fallback).argParser((value: string) => {
    if (!formats.includes(value)) throw new UsageError(`unknown format "${value}"; ${suggestion(value, sorted, 'formats')}`);
    return value;
  });
  // Listed by --help and the completion scripts; the parser above gives the "did you mean" for a wrong one.
  option.argChoices = sorted;
  return option;
}

/** Collects a repeatable option into a list, also splitting commas: `--cluster a,b --cluster c`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

/** Reads a port number from the command line, 1-65535. */
export function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535) {
    throw new UsageError(`"${text}" is not a port; ports are whole numbers from 1 to 65535`);
  }
  return Number(text);
}

/** Reads a count from the command line: a whole number, 0 or more. */
export function parseCount(flag: string): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} needs a whole number, 0 or more, not "${text}"`);
    return Number(text);
  };
}
