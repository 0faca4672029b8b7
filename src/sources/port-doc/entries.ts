import type { Exposure, PortSpan, Protocol } from '../../core/types.ts';
import { plainText, portOf, protocolOf, slugOf, spansOf } from './markdown.ts';

/** An entry line: `name: port/proto  # comment`. */
export interface Entry {
  label: string;
  port?: number;
  spans?: PortSpan[];
  protocol?: Protocol;
  comment?: string;
  line: number;
  column: number;
  text: string;
}

const ENTRY = /^\s*(?:[-*+]\s+|\d+[.)]\s+)?["']?([^:#"'|]*[^:#"'|\s])["']?\s*:\s*(\d[\d\s,–—-]*?)(?:\s*\/\s*(tcp|udp|sctp)|\s+\((tcp|udp|sctp)\))?\s*(?:(?:#|\/\/)\s*(.*?)|\s[-–—]\s+(.*?)|\(([^)]*)\))?\s*$/i;

/** Reads `Grafana: 30040  # comment`; `spans` for `ai-ml: 30100-30199`. */
export function entryOf(line: string, original: string, number: number): Entry | undefined {
  const match = ENTRY.exec(line);
  if (!match) return undefined;
  const value = match[2]!.trim();
  const port = portOf(value);
  const spans = port === undefined ? spansOf(value) : undefined;
  if (port === undefined && !spans) return undefined;
  const protocol = protocolOf(match[3] ?? match[4] ?? '');
  const comment = (match[5] ?? match[6] ?? match[7])?.trim();
  return {
    label: match[1]!.trim(),
    ...(port !== undefined ? { port } : {}),
    ...(spans ? { spans } : {}),
    ...(protocol ? { protocol } : {}),
    ...(comment ? { comment } : {}),
    line: number,
    column: Math.max(0, original.search(/\S/)) + 1,
    text: original.trim(),
  };
}

/** Why `name: 99999` is no entry: the number is not a port. */
export function notAPort(line: string): string | undefined {
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
