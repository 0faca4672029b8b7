import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { blockedPorts, countFree, dynamicBands, lowestFreeBlock, rangesWithRoom } from '../../src/allocate/search.ts';
import { TakenPorts } from '../../src/allocate/taken.ts';
import type { Cluster, Range } from '../../src/core/types.ts';

const at = { file: 'portolan.yaml', line: 1, column: 1 };

function taken(...ports: number[]): TakenPorts {
  const set = new TakenPorts();
  for (const port of ports) set.take(port);
  return set;
}

test('the lowest port free in every cluster is chosen, so a service gets one port everywhere', () => {
  const blocked = blockedPorts([taken(30200, 30202), taken(30201)]);
  assert.equal(lowestFreeBlock([{ from: 30200, to: 30299 }], blocked), 30203);
});

test('a block of names gets consecutive ports inside one span, skipping runs that are too short', () => {
  const blocked = blockedPorts([taken(30201, 30204)]);
  assert.equal(lowestFreeBlock([{ from: 30200, to: 30299 }], blocked, 3), 30205);
  assert.equal(lowestFreeBlock([{ from: 30200, to: 30202 }, { from: 30300, to: 30310 }], blocked, 3), 30300);
  assert.equal(lowestFreeBlock([{ from: 30200, to: 30202 }], blocked, 2), undefined);
  assert.equal(lowestFreeBlock([{ from: 30200, to: 30203 }], blocked, 2), 30202);
});

test('avoided spans (the dynamic NodePort band) count as taken', () => {
  const blocked = blockedPorts([new TakenPorts()], [{ from: 30086, to: 32767 }]);
  assert.equal(lowestFreeBlock([{ from: 30080, to: 30299 }], blocked, 1), 30080);
  assert.equal(lowestFreeBlock([{ from: 30100, to: 30299 }], blocked, 1), undefined);
});

test("a cluster's dynamic band is its NodePort range above the static band", () => {
  const cluster = (from: number, to: number): Cluster => ({ name: 'c', production: false, nodePortRange: { from, to }, nodePortRangeAt: at, at });
  assert.deepEqual(dynamicBands([cluster(30000, 32767), cluster(30000, 30009)]), [
    { from: 30086, to: 32767 },
    { from: 30000, to: 30009 },
  ]);
});

test('ranges with room are listed nearest first, with their next free port', () => {
  const range = (name: string, from: number, to: number): Range => ({ name, spans: [{ from, to }], at });
  const full = range('agents', 30200, 30201);
  const ranges = [range('far', 30600, 30699), full, range('near', 30300, 30399), range('none', 30400, 30400)];
  const blocked = blockedPorts([taken(30200, 30201, 30300, 30400)]);
  const room = rangesWithRoom(ranges, full, blocked);
  assert.deepEqual(
    room.map((r) => [r.range.name, r.next, r.free]),
    [
      ['near', 30301, 99],
      ['far', 30600, 100],
    ],
  );
  assert.equal(countFree(full.spans, blocked), 0);
});

test('the search agrees with checking every port one by one', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1000, max: 1300 }), { maxLength: 250 }),
      fc.integer({ min: 1000, max: 1200 }),
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 1, max: 4 }),
      (held, from, length, count) => {
        const blocked = taken(...held);
        const span = { from, to: from + length };
        let expected: number | undefined;
        for (let port = span.from; port + count - 1 <= span.to && expected === undefined; port++) {
          if (Array.from({ length: count }, (_, i) => port + i).every((p) => !held.includes(p))) expected = port;
        }
        assert.equal(lowestFreeBlock([span], blocked, count), expected);
      },
    ),
  );
});

test('spans taken a byte at a time and sets merged a word at a time hold exactly the ports taken one by one', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 40 }), (spans, ports) => {
      const bySpans = new TakenPorts();
      bySpans.takeSpans(spans.map(([from, length]) => ({ from, to: Math.min(65535, from + length) })));
      const merged = taken(...ports);
      merged.takeAll(bySpans);
      const wanted = new Set(ports);
      for (const [from, length] of spans) for (let port = from; port <= Math.min(65535, from + length); port++) wanted.add(port);
      for (let port = 1; port <= 65535; port++) assert.equal(merged.has(port), wanted.has(port), `port ${port}`);
    }),
    { numRuns: 60 },
  );
});
