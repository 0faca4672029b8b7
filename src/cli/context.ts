import { UsageError } from '../core/errors.ts';
import type { Registry } from '../core/types.ts';
import { readRegistry, registryFileOf } from '../engine/registry.ts';
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

// The shared grammar lives in options.ts; commands that import these from here keep working.
export { collect, formatOption, parsePort } from './options.ts';

/** The context for the process: registry from --registry or the nearest portolan.yaml. */
export function createContext(io: CliIo, globals: () => { registry?: string; color?: boolean }, setExit: (code: number) => void): CommandContext {
  const registryFile = (path?: string) => {
    const named = globals().registry;
    if (path !== undefined && named !== undefined) {
      throw new UsageError(`the registry is given twice, as ${path} and as --registry ${named}; give one of them`);
    }
    return registryFileOf(path ?? named, io.cwd);
  };
  return {
    io,
    registry: (path) => readRegistry(registryFile(path), io.cwd),
    registryFile,
    registryOption: () => globals().registry,
    exit: setExit,
    color() {
      const flag = globals().color;
      return flag === undefined ? io.color : flag;
    },
  };
}
