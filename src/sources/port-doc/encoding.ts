// Port documents pass through wikis, editors and copy-paste; a common accident is UTF-8 text read
// as Windows-1252 and saved again, which turns `→` into `â†’` and `é` into `Ã©`.

/** A piece of text that was spoiled by a wrong encoding: repaired, or only reported. */
export interface EncodingRepair {
  line: number;
  column: number;
  spoiled: string;
  /** The text it was meant to be; undefined when it could not be recovered. */
  repaired?: string;
}

/** The characters Windows-1252 puts at bytes 0x80-0x9F (undefined where it has none). */
const CP1252_HIGH = [
  0x20ac, undefined, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, undefined, 0x017d, undefined,
  undefined, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, undefined, 0x017e, 0x0178,
];

/** Character -> the Windows-1252 byte that shows as it, for bytes 0x80-0xFF. */
const BYTE_OF = new Map<string, number>();
for (let byte = 0x80; byte <= 0xff; byte++) {
  const code = byte < 0xa0 ? CP1252_HIGH[byte - 0x80] : byte;
  if (code !== undefined) BYTE_OF.set(String.fromCodePoint(code), byte);
}

/** A lead byte of a multi-byte UTF-8 sequence shown in Windows-1252 (Â..ô), then continuation bytes. */
const SPOILED = /[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}/g;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const keepingBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a file's bytes: UTF-8 when they are valid UTF-8, else Windows-1252 (which every byte
 * sequence is), saying so.
 */
export function decodeDocument(bytes: Uint8Array): { text: string; utf8: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), utf8: true };
  } catch {
    let text = '';
    for (const byte of bytes) {
      const code = byte >= 0x80 && byte < 0xa0 ? CP1252_HIGH[byte - 0x80] ?? 0xfffd : byte;
      text += String.fromCodePoint(code);
    }
    return { text, utf8: false };
  }
}

/**
 * Repairs UTF-8 that was read as Windows-1252 (`â†’` -> `→`), and reports the replacement
 * character U+FFFD, whose original cannot be known.
 */
export function repairEncoding(text: string): { text: string; repairs: EncodingRepair[] } {
  const repairs: EncodingRepair[] = [];
  const lines = text.split('\n');
  const repaired = lines.map((line, index) => {
    let fixed = line.replace(SPOILED, (spoiled, column: number) => {
      const bytes = [...spoiled].map((char) => BYTE_OF.get(char));
      if (bytes.some((byte) => byte === undefined)) return spoiled;
      let meant: string;
      try {
        meant = keepingBom.decode(new Uint8Array(bytes as number[]));
      } catch {
        return spoiled;
      }
      if ([...meant].length !== 1) return spoiled;
      repairs.push({ line: index + 1, column: column + 1, spoiled, repaired: meant });
      return meant === '\ufeff' ? '' : meant;
    });
    for (let at = fixed.indexOf('\ufffd'); at !== -1; at = fixed.indexOf('\ufffd', at + 1)) {
      repairs.push({ line: index + 1, column: at + 1, spoiled: '\ufffd' });
    }
    if (index === 0 && fixed.charCodeAt(0) === 0xfeff) fixed = fixed.slice(1);
    return fixed;
  });
  return { text: repaired.join('\n'), repairs };
}
