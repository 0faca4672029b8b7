import { Document, isMap, isPair, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import type { RegistryDocument } from './schema.ts';
import { SCHEMA_PATH } from './schema.ts';

/** The order of the registry's top-level keys in a written file. */
const TOP_LEVEL_ORDER = ['version', 'docs', 'notes', 'ranges', 'clusters', 'services', 'mesh', 'reserved', 'rules', 'ignore', 'scan'] as const;

/** How a registry file is written. */
export interface WriteOptions {
  /** Where editors find the JSON Schema; the installed package's copy by default. */
  schema?: string;
  /** Comment lines written under the schema line, without their `#`. */
  header?: readonly string[];
}

/**
 * Writes a registry document as portolan.yaml text: the schema comment for editors first, the
 * top-level keys in their usual order, short lists (port lists, clusters) in flow style.
 */
export function registryYaml(registry: RegistryDocument, options: WriteOptions = {}): string {
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) if (registry[key] !== undefined) ordered[key] = registry[key];
  const document = new Document(ordered, { aliasDuplicateObjects: false });
  const root = document.contents as YAMLMap;
  for (const pair of root.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    if (pair.key.value !== 'version') (pair.key as { spaceBefore?: boolean }).spaceBefore = true;
  }
  flowShortLists(root);
  const schema = options.schema ?? SCHEMA_PATH;
  const header = [` yaml-language-server: $schema=${schema}`, ...(options.header?.length ? ['', ...options.header] : [])];
  document.commentBefore = header.map((line) => (line === '' ? '' : line.startsWith(' ') ? line : ` ${line}`)).join('\n');
  return document.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
}

/** Lists of scalars (`ports: [80, 443]`, `clusters: [pro, studio]`) read best on one line. */
function flowShortLists(node: unknown, key?: unknown): void {
  if (isSeq(node)) {
    if (key !== 'notes' && node.items.every((item) => isScalar(item))) node.flow = true;
    for (const item of node.items) flowShortLists(item);
  } else if (isMap(node)) {
    for (const pair of node.items as Pair[]) flowShortLists(pair.value, isScalar(pair.key) ? pair.key.value : undefined);
  }
}
