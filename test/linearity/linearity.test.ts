import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.ts';
import { inputs } from './inputs.ts';

interface Work {
  characters: number;
  typedElements: number;
}

function measure(size: number): Promise<Record<string, Work>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'linearity', 'measure.ts'), String(size)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Record<string, Work>) : reject(new Error(`size ${size}: exit ${code}: ${stderr}`)))),
  );
}

// Each input kind is read at one size and at twice that size: the counted work (characters
// examined, typed-array elements allocated) may double, and a little more for what a larger
// number costs to write, but a quadratic path quadruples it.
const SIZE = 2000;
const LINEAR = 2.2;

// Two processes measure every kind, one at each size; the tests share them.
let measured: Promise<[Record<string, Work>, Record<string, Work>]> | undefined;

for (const kind of Object.keys(inputs)) {
  test(`${kind}: twice the input is at most twice the work`, async () => {
    measured ??= Promise.all([measure(SIZE), measure(2 * SIZE)]);
    const [onceAll, twiceAll] = await measured;
    const once = onceAll[kind]!;
    const twice = twiceAll[kind]!;
    assert.ok(once.characters > SIZE, `${kind}: the reader examined ${once.characters} characters`);
    for (const counted of ['characters', 'typedElements'] as const) {
      const ratio = twice[counted] / Math.max(1, once[counted]);
      assert.ok(twice[counted] <= LINEAR * once[counted] + 1000, `${kind}: ${counted} ${once[counted]} -> ${twice[counted]} (x${ratio.toFixed(2)}) for twice the input`);
    }
  });
}
