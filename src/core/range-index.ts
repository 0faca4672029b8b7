import type { Range } from './types.ts';

/** Finds the ranges that hold a port, by binary search over their sorted spans. */
export class RangeIndex {
  private readonly starts: number[] = [];
  private readonly entries: { from: number; to: number; range: Range }[] = [];

  constructor(ranges: readonly Range[]) {
    for (const range of ranges) for (const span of range.spans) this.entries.push({ ...span, range });
    this.entries.sort((a, b) => a.from - b.from || a.to - b.to);
    for (const entry of this.entries) this.starts.push(entry.from);
  }

  /** The ranges whose spans include `port`, in the order they start. */
  rangesOf(port: number): Range[] {
    // Spans may overlap (range-overlap reports that), so look back over every span that starts
    // at or before the port; there are few ranges, so this stays cheap.
    let high = upperBound(this.starts, port);
    const found: Range[] = [];
    while (--high >= 0) {
      const entry = this.entries[high]!;
      if (entry.to >= port && !found.includes(entry.range)) found.unshift(entry.range);
    }
    return found;
  }
}

function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
