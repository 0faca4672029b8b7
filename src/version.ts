import { createRequire } from 'node:module';

declare const PORTOLAN_VERSION: string | undefined;

/** Portolan's version: set by the build, read from package.json when run from source. */
export const version: string =
  typeof PORTOLAN_VERSION === 'string'
    ? PORTOLAN_VERSION
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
