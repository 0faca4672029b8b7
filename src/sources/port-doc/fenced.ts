import { entryOf, notAPort, rangeLineOf } from './entries.ts';
import { placeEntries, type EntryGroup } from './lists.ts';
import type { ImportState } from './reader.ts';
import { mentionUrls } from './urls.ts';

/** A fenced block: an example (a Kubernetes object, shell commands) that holds nothing, or groups of `name: port  # comment` lines under comment lines. */
export function readCodeBlock(state: ImportState, start: number, body: string[], info = ''): void {
  // Under cross-cluster access, a block of any language holds the addresses to read.
  const example = state.context().kind === 'cross' ? undefined : exampleOf(info, body);
  if (example) {
    state.examples.push({ line: start + 1, end: start + body.length, what: example });
    return;
  }
  const { kind } = state.context();
  let group: EntryGroup = { entries: [] };
  // A cluster named by one comment holds for the groups under it until another comment names one.
  let clusters: string[] | 'all' | undefined;
  const flush = () => {
    if (group.entries.length > 0) clusters = placeEntries(state, group, clusters);
    else if (group.comment) commentOnly(state, group.comment);
    group = { entries: [] };
  };
  body.forEach((line, index) => {
    const number = start + index + 1;
    const comment = /^\s*(?:#|\/\/)\s*(.*)$/.exec(line)?.[1];
    if (kind === 'findings' || kind === 'prose' || kind === 'rules') {
      if (line.trim()) state.prose.push(number);
      return;
    }
    if (kind === 'cross') {
      if (comment !== undefined) state.crossComment = comment;
      else if (line.trim() && !mentionUrls(state, line, number)) state.prose.push(number);
      return;
    }
    if (line.trim() === '') return flush();
    if (comment !== undefined) {
      flush();
      group.comment = { text: comment, line: number };
      return;
    }
    const entry = entryOf(line, line, number) ?? rangeLineOf(line, line, number);
    if (entry) group.entries.push(entry);
    else if (!mentionUrls(state, line, number)) state.unplace(number, line, notAPort(line) ?? 'not `name: port  # comment`');
  });
  flush();
}

/** A comment with nothing under it names nothing; it is prose unless it holds a port. */
function commentOnly(state: ImportState, comment: { text: string; line: number }): void {
  state.proseOrUnplaced(comment.line, comment.text, 'a comment with no entries under it');
}


const SHELL = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'fish', 'powershell', 'ps1', 'pwsh', 'terminal', 'cmd', 'bat']);

/**
 * What a fenced block shows when it is an example rather than a list of ports: a Kubernetes
 * object (`apiVersion`/`kind`, or Service port keys such as `targetPort` and `nodePort`), or shell
 * commands. Undefined for a block of entries.
 */
export function exampleOf(info: string, body: string[]): string | undefined {
  const language = info.split(/[\s{]/)[0]!.toLowerCase();
  if (SHELL.has(language)) return 'shell commands';
  const text = body.join('\n');
  const kind = /^\s*"?kind"?\s*:\s*"?([A-Za-z]+)/m.exec(text)?.[1];
  if (/^\s*"?apiVersion"?\s*:/m.test(text)) return `a Kubernetes ${kind ?? 'object'}`;
  if (/^\s*(?:-\s+)?"?(?:targetPort|nodePort|containerPort|hostPort)"?\s*:/m.test(text)) return `the ports of a Kubernetes ${kind ?? 'object'}`;
  return undefined;
}
