import { json } from './json.ts';
import { markdown } from './markdown.ts';
import type { Reporter } from './reporter.ts';
import { sarif } from './sarif.ts';
import { text } from './text.ts';

/** Every reporter by format name, sorted. */
export const reporters: Readonly<Record<string, Reporter>> = { json, markdown, sarif, text };

/** The format names, sorted. */
export const formats: readonly string[] = Object.keys(reporters);
