import { Option } from 'commander';
import { UsageError } from '../core/errors.ts';
import { suggestion } from '../core/suggest.ts';
import type { Registry } from '../core/types.ts';
import { findRegistry, loadRegistry } from '../registry/load.ts';
import { ruleIds } from '../rules/index.ts';
import type { CliIo } from './io.ts';

/** What every command gets: where to write, how to read the registry, and where to put its exit code. */
export interface CommandContext {
  io: CliIo;
  /** Reads the registry named by PATH, by --registry, or found from the current folder up. */
  registry(path?: string): Registry;
  /** The registry file's path, found as `registry(path)` finds it, without reading it. */
  registryFile(path?: string): string;
  /** The --registry option as given, if it was. */
  registryOption(): string | undefined;
  exit(code: number): void;
  /** Whether to colour output, after --color/--no-color. */
  color(): boolean;
}

/** A `--format` option that accepts the given names and lists them when another is given. */
export function formatOption(formats: readonly string[], fallback = 'text'): Option {
  return new Option('-f, --format <format>', `output format: ${formats.join(', ')}`).default(fallback).argParser((value: string) => {
    if (!formats.includes(value)) throw new UsageError(`unknown format "${value}"; ${suggestion(value, formats, 'formats')}`);
    return value;
  });
}

/** Reads a port number from the command line, 1-65535. */
export function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535) {
    throw new UsageError(`"${text}" is not a port; ports are whole numbers from 1 to 65535`);
  }
  return Number(text);
}

/** Collects a repeatable option into a list, also splitting commas: `--cluster a,b --cluster c`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

/** The context for the process: registry from --registry or the nearest portolan.yaml. */
export function createContext(io: CliIo, globals: () => { registry?: string; color?: boolean }, setExit: (code: number) => void): CommandContext {
  return {
    io,
    registry(path) {
      const file = findRegistry(path ?? globals().registry, io.cwd);
      return loadRegistry(file, { ruleIds, cwd: io.cwd });
    },
    registryFile(path) {
      return findRegistry(path ?? globals().registry, io.cwd);
    },
    registryOption: () => globals().registry,
    exit: setExit,
    color() {
      const flag = globals().color;
      return flag === undefined ? io.color : flag;
    },
  };
}
