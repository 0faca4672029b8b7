// Runs each reader over its generated input and prints how much work it did, counted, not timed:
// characters examined (every charCodeAt, every character an indexOf passes over) and elements of
// typed arrays allocated. Run in a child process, since it wraps String and Int32Array for the
// whole process: `node --import tsx test/linearity/measure.ts SIZE`.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inputs } from './inputs.ts';

const work = { characters: 0, typedElements: 0 };

const charCodeAt = String.prototype.charCodeAt;
String.prototype.charCodeAt = function (this: string, at: number) {
  work.characters++;
  return charCodeAt.call(this, at);
};
const stringIndexOf = String.prototype.indexOf;
String.prototype.indexOf = function (this: string, search: string, from = 0) {
  const found = stringIndexOf.call(this, search, from);
  work.characters += (found === -1 ? this.length : found + 1) - Math.max(0, from);
  return found;
};
const bufferIndexOf = Buffer.prototype.indexOf;
Buffer.prototype.indexOf = function (this: Buffer, ...args: Parameters<Buffer['indexOf']>) {
  const found = bufferIndexOf.apply(this, args);
  const from = typeof args[1] === 'number' ? Math.max(0, args[1]) : 0;
  work.characters += (found === -1 ? this.length : found + 1) - from;
  return found;
};
const NativeInt32Array = Int32Array;
globalThis.Int32Array = class CountedInt32Array extends NativeInt32Array {
  constructor(...args: unknown[]) {
    super(...(args as [number]));
    if (typeof args[0] === 'number') work.typedElements += args[0];
  }
} as Int32ArrayConstructor;

// Every kind at the size given, one after another in this process: `{ kind: work }`.
const size = Number(process.argv[2]);
const measured: Record<string, typeof work> = {};
for (const [kind, input] of Object.entries(inputs)) {
  const dir = mkdtempSync(join(tmpdir(), 'portolan-linearity-'));
  for (const [name, text] of Object.entries(input.make(size))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const before = { ...work };
  await input.run(dir);
  measured[kind] = { characters: work.characters - before.characters, typedElements: work.typedElements - before.typedElements };
}
process.stdout.write(`${JSON.stringify(measured)}\n`);
