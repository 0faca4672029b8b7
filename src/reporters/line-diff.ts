/** One line of a diff: kept, removed from the old text, or added by the new one. */
interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

/** Above this many line pairs the changed middle is shown as removed then added, not aligned. */
const MAX_ALIGNED_PAIRS = 4_000_000;

/**
 * A unified diff (`--- old`, `+++ new`, `@@` hunks with three lines of context) from `before`
 * to `after`; empty when they are equal.
 */
export function unifiedDiff(before: string, after: string, names: { before: string; after: string }, context = 3): string {
  if (before === after) return '';
  const lines = diffLines(splitLines(before), splitLines(after));
  const out = [`--- ${names.before}`, `+++ ${names.after}`];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is within 2 * context kept lines of the previous one.
    const start = Math.max(0, i - context);
    let end = i;
    while (end < lines.length) {
      let next = end;
      while (next < lines.length && lines[next]!.kind !== ' ') next++;
      let kept = next;
      while (kept < lines.length && lines[kept]!.kind === ' ') kept++;
      end = next;
      if (kept >= lines.length || kept - next > 2 * context) break;
      end = kept;
    }
    const stop = Math.min(lines.length, end + context);
    const hunk = lines.slice(start, stop);
    const oldStart = lines.slice(0, start).filter((l) => l.kind !== '+').length + 1;
    const newStart = lines.slice(0, start).filter((l) => l.kind !== '-').length + 1;
    const oldCount = hunk.filter((l) => l.kind !== '+').length;
    const newCount = hunk.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`);
    for (const line of hunk) out.push(`${line.kind}${line.text}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Aligns two line lists by their longest common subsequence, after setting aside a shared head and tail. */
function diffLines(a: string[], b: string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle: DiffLine[] = [];
  if (x.length * y.length > MAX_ALIGNED_PAIRS) {
    middle.push(...x.map((text) => ({ kind: '-' as const, text })), ...y.map((text) => ({ kind: '+' as const, text })));
  } else {
    // lengths[i][j]: the longest common subsequence of x[i..] and y[j..].
    const width = y.length + 1;
    const lengths = new Uint32Array((x.length + 1) * width);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lengths[i * width + j] = x[i] === y[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ kind: ' ', text: x[i]! });
        i++;
        j++;
      } else if (i < x.length && (j === y.length || lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!)) {
        middle.push({ kind: '-', text: x[i++]! });
      } else {
        middle.push({ kind: '+', text: y[j++]! });
      }
    }
  }
  return [
    ...a.slice(0, head).map((text) => ({ kind: ' ' as const, text })),
    ...middle,
    ...a.slice(a.length - tail).map((text) => ({ kind: ' ' as const, text })),
  ];
}
