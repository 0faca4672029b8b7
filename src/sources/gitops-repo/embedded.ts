import type { Location } from '../../core/types.ts';
import { YamlSource } from '../../yaml/yaml-source.ts';

/**
 * YAML written as a string inside another YAML file (a kustomize `patch: |`, Argo CD `helm.values: |`),
 * parsed on its own, with its positions mapped back into the outer file. `blockAt` is where the
 * string's value starts: for a block scalar the `|`, whose content begins on the next line.
 */
export function parseEmbedded(outer: YamlSource, blockAt: Location, content: string): { inner: YamlSource; place(at: Location): Location } | undefined {
  let inner: YamlSource;
  try {
    inner = YamlSource.parse(outer.file, content);
  } catch {
    return undefined;
  }
  const outerLines = outer.text.split('\n', blockAt.line + content.split('\n').length + 1);
  const innerLines = content.split('\n');
  const block = /^[|>]/.test(outerLines[blockAt.line - 1]?.slice(blockAt.column - 1) ?? '');
  return {
    inner,
    place(at) {
      if (!block) return blockAt; // a quoted or plain string: its own line and column are not kept
      const line = blockAt.line + at.line;
      const indent = (outerLines[line - 1] ?? '').search(/\S|$/) - (innerLines[at.line - 1] ?? '').search(/\S|$/);
      return { file: outer.file, line, column: at.column + Math.max(0, indent) };
    },
  };
}
