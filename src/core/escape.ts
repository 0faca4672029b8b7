/**
 * Characters that steer a terminal or reorder what it shows: C0 controls but tab and line feed,
 * DEL, C1 controls (U+0080-U+009F, where CSI 0x9B starts escape sequences too), the Unicode
 * bidirectional overrides and isolates, and the line and paragraph separators.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\u0007': '\\a', '\b': '\\b', '\u000b': '\\v', '\f': '\\f', '\r': '\\r', '\u001b': '\\e' };

/**
 * `text` with every control character shown as an escape (`\e`, `\r`, `\x9b`, `\u202e`), so
 * that names, titles and comments from a registry or a manifest cannot clear the screen, set the
 * terminal's title or hide text when printed, or when the Markdown written from them is viewed.
 * Tabs and line ends stay. Escaping twice changes nothing more.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
