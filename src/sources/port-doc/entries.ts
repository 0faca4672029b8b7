import type { Exposure, PortSpan, Protocol } from '../../core/types.ts';
import { plainText, portOf, protocolOf, slugOf, spansOf } from './markdown.ts';

/** An entry line: `name: port/proto  # comment`. */
export interface Entry {
  label: string;
  port?: number;
  spans?: PortSpan[];
  protocol?: Protocol;
  comment?: string;
  /** What `-> https` names: the Service port the node port leads to, by name. */
  target?: string;
  line: number;
  column: number;
  text: string;
}

const LIST_MARK = String.raw`^\s*(?:[-*+]\s+|\d+[.)]\s+)?`;
const LABEL = String.raw`["']?([^:#"'|]*[^:#"'|\s-])["']?`;
/** A label without parentheses, for `Name (port)`. */
const PLAIN_LABEL = String.raw`["']?([^:#"'|()]*[^:#"'|()\s-])["']?`;
const VALUE = String.raw`(\d[\d\s,–—-]*?)(?:\s*\/\s*(tcp|udp|sctp)|\s+\((tcp|udp|sctp)\))?`;
const TARGET = String.raw`(?:\s*(?:->|→|=>)\s*([\w-]+))?`;
const COMMENT = String.raw`\s*(?:(?:#|\/\/)\s*(.*?)|\s[-–—]\s+(.*?)|\(([^)]*)\))?\s*$`;
/** `Name: port`, and the same with a target, protocol and comment. */
const COLON_ENTRY = new RegExp(`${LIST_MARK}${LABEL}\\s*:\\s*${VALUE}${TARGET}${COMMENT}`, 'i');
/** `Name - port` and `Name – port`. */
const DASH_ENTRY = new RegExp(`${LIST_MARK}${LABEL}\\s+[-–—]\\s+(\\d{1,5})(?:\\s*\\/\\s*(tcp|udp|sctp)|\\s+\\((tcp|udp|sctp)\\))?${TARGET}${COMMENT}`, 'i');
/** `Name (port)` and `Name (port/UDP)`. */
const PAREN_ENTRY = new RegExp(`${LIST_MARK}${PLAIN_LABEL}\\s+\\((\\d{1,5})(?:\\s*\\/\\s*(tcp|udp|sctp))?\\)()()(?:\\s*(?:#|\\/\\/|[-–—:])\\s*(.*?))?()()\\s*$`, 'i');

/**
 * Labels of numbers that are counts, sizes or versions, never ports: `replicas: 3`,
 * `version: 2`, `nodes: 4`.
 */
const NOT_PORT_LABEL = /^(?:replicas?|versions?|v|count|nodes?|hosts?|cpus?|cores?|vcpus?|memory|ram|disks?|storage|workers?|instances?|retries|timeout|ttl|size|year|date|vlan|vlans|uid|gid|pid|priority|weight|step|phase|days?|hours?|minutes?|seconds?|weeks?|gb|gib|mb|mib|tb|limit|limits|requests?|shards?|partitions?|threads?|pods?|users?|zones?|rack|slot|revision|release|build|page|total|updated|reviewed|last updated|last reviewed|released|since|until|created|changed|moved|added)$/i;

/** Reads `Grafana: 30040  # comment`, `Vault: 30820 -> https`, `Loki - 30100`, `Loki (30100)`; `spans` for `ai-ml: 30100-30199`. */
export function entryOf(line: string, original: string, number: number): Entry | undefined {
  for (const pattern of [COLON_ENTRY, DASH_ENTRY, PAREN_ENTRY]) {
    const match = pattern.exec(line);
    if (!match) continue;
    const label = match[1]!.trim();
    if (NOT_PORT_LABEL.test(label)) return undefined;
    const value = match[2]!.trim();
    const port = portOf(value);
    const spans = port === undefined ? spansOf(value) : undefined;
    if (port === undefined && !spans) return undefined;
    const protocol = protocolOf(match[3] ?? match[4] ?? '');
    const comment = (match[6] ?? match[7] ?? match[8])?.trim();
    const target = match[5]?.toLowerCase();
    return {
      label,
      ...(port !== undefined ? { port } : {}),
      ...(spans ? { spans } : {}),
      ...(protocol ? { protocol } : {}),
      ...(comment ? { comment } : {}),
      ...(target ? { target } : {}),
      line: number,
      column: Math.max(0, original.search(/\S/)) + 1,
      text: original.trim(),
    };
  }
  return undefined;
}

/** Why `name: 99999` or `replicas: 3` is no entry: the number is not a port, or the label names a count. */
export function notAPort(line: string): string | undefined {
  const label = new RegExp(`${LIST_MARK}${LABEL}\\s*:\\s*\\d`, 'i').exec(line)?.[1];
  if (label !== undefined && NOT_PORT_LABEL.test(label.trim())) return `"${label.trim()}" counts, sizes or dates something; it is no port`;
  const number = /^\s*(?:[-*+]\s+)?[^:#|]+:\s*(\d+)\b/.exec(line)?.[1];
  return number !== undefined && portOf(number) === undefined ? `${number} is not a port (1-65535)` : undefined;
}

/** Reads `30100-30199: AI/ML Services` (or with a dash or a pipe): a range written as a line. */
export function rangeLineOf(line: string, original: string, number: number): Entry | undefined {
  const match = /^\s*(?:[-*+]\s+)?(\d[\d\s,–—-]*?)\s*(?::|\||\s[-–—]\s)\s*([^\d\s].*?)\s*$/.exec(line);
  const spans = match ? spansOf(match[1]!) : undefined;
  if (!match || !spans) return undefined;
  return { label: match[2]!, spans, line: number, column: Math.max(0, original.search(/\S/)) + 1, text: original.trim() };
}

/** The hyphen-separated words every name starts with, when each has more after them. */
export function sharedPrefix(names: string[]): string | undefined {
  const split = names.map((name) => name.split('-'));
  const shortest = Math.min(...split.map((words) => words.length));
  let count = 0;
  while (count < shortest - 1 && split.every((words) => words[count] === split[0]![count])) count++;
  return count > 0 ? split[0]!.slice(0, count).join('-') : undefined;
}

/** Reads a service cell: `VLLM (\`vllm\`)`, `\`vllm\``, or `Headlamp (Flux UI)`. */
export function serviceCellOf(text: string): { name: string; title?: string } {
  const code = /`([^`]+)`/.exec(text);
  if (code) {
    const title = plainText(text.replace(/\(\s*`[^`]+`\s*\)|`[^`]+`/, ' ')).replace(/\s+/g, ' ').trim();
    return { name: slugOf(code[1]!) || code[1]!, ...(title ? { title } : {}) };
  }
  const title = plainText(text);
  return { name: slugOf(title), title };
}

/** Reads `NodePort`, `LoadBalancer` (or `LB`), `ClusterIP`; undefined for anything else. */
export function exposureOf(text: string): Exposure | undefined {
  const lower = text.toLowerCase().replace(/[^a-z]/g, '');
  if (lower === 'nodeport') return 'NodePort';
  if (lower === 'loadbalancer' || lower === 'lb') return 'LoadBalancer';
  if (lower === 'clusterip' || lower === 'internal') return 'ClusterIP';
  return undefined;
}
