/**
 * Folders a scan leaves out unless the registry's `scan.exclude` says otherwise: tests, fixtures,
 * examples and archives hold manifests that no cluster runs.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/test',
  '**/tests',
  '**/testdata',
  '**/fixtures',
  '**/example',
  '**/examples',
  '**/archive',
  '**/archived',
  '**/_archive',
  '**/retired',
  '**/deprecated',
];

/** A glob (`*` within a segment, `**` across them, `?` one character) as a regular expression. */
export function globPattern(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let pattern = '';
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    if (c === '*' && clean[i + 1] === '*') {
      i++;
      if (clean[i + 1] === '/') {
        // `**/` is any number of whole folders, none included.
        pattern += '(?:[^/]+/)*';
        i++;
      } else pattern += '.*';
    } else if (c === '*') pattern += '[^/]*';
    else if (c === '?') pattern += '[^/]';
    else pattern += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}
