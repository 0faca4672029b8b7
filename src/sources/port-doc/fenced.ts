import { entryOf, notAPort, rangeLineOf } from './entries.ts';
import { placeEntries, type EntryGroup } from './lists.ts';
import type { ImportState } from './reader.ts';
import { mentionUrls } from './urls.ts';

/** A fenced block: groups of `name: port  # comment` lines under comment lines. */
export function readCodeBlock(state: ImportState, start: number, body: string[]): void {
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

/** True for the line that closes a fence opened with `marker`. */
export function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(marker) && new RegExp(`^\\${marker[0]}+$`).test(trimmed);
}
