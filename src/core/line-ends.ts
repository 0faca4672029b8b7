/** How a text file ends its lines: Unix (`\n`), Windows (`\r\n`) or classic Mac OS (`\r`). */
export type LineEnd = '\n' | '\r\n' | '\r';

/** The line end a text uses: that of its first line break; `\n` when it has none. */
export function lineEndOf(text: string): LineEnd {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (cr === -1) return '\n';
  if (lf === -1) return '\r';
  if (cr < lf) return cr + 1 === lf ? '\r\n' : '\r';
  return '\n';
}

/** `text` with every line end (`\r\n`, `\r`, `\n`) made `\n`. */
export function toLf(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** `text`, whose lines end in `\n`, with its lines ended by `eol` instead. */
export function withLineEnd(text: string, eol: LineEnd): string {
  return eol === '\n' ? text : text.replace(/\n/g, eol);
}

/**
 * Where each line of `text` starts, counting `\r\n`, `\r` and `\n` each as one line end, as YAML
 * does; the offset after a final line end is a line of its own.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = 0; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === 10) starts.push(at + 1);
    else if (c === 13) {
      if (text.charCodeAt(at + 1) === 10) at++;
      starts.push(at + 1);
    }
  }
  return starts;
}
