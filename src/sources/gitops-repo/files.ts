import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { ExcludedPath } from '../../core/types.ts';
import { MAX_YAML_BYTES } from '../../yaml/yaml-source.ts';
import { globPattern } from './globs.ts';

/** Folders never read: version control, dependencies, build output. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.terraform', 'vendor']);

/** The file names kustomize reads as a folder's kustomization. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Every file and folder under `root`, as sorted POSIX paths relative to it. */
export function listRepo(root: string): { files: string[]; folders: Set<string> } {
  const files: string[] = [];
  const folders = new Set<string>(['.']);
  const walk = (relative: string) => {
    const entries = readdirSync(relative === '.' ? root : join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === '.' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name)) continue;
        folders.add(path);
        walk(path);
      } else if (entry.isFile() && isYamlName(entry.name)) files.push(path);
    }
  };
  walk('.');
  files.sort();
  return { files, folders };
}

/** The repository's files and folders, and what a scan leaves out of them. */
export interface ScannedRepo {
  files: string[];
  folders: Set<string>;
  /** The topmost folders (and single files) left out, with the glob and how many YAML files. */
  excluded: ExcludedPath[];
  /** Each file and folder left out -> the topmost path left out that holds it. */
  leftOut: Map<string, string>;
}

/**
 * Every file and folder of the repository, and what `exclude` (globs) leaves out: a folder when
 * its parent is left out or a glob names it, a file when its folder is or a glob names it. A
 * glob of a folder name (`**\/test`) never leaves out a cluster's own folder (`clusters/test`, or
 * one that holds `flux-system/gotk-sync.yaml`): there it names a cluster, not tests.
 */
export function listScanned(root: string, exclude: readonly string[]): ScannedRepo {
  const listing = listRepo(root);
  const fileSet = new Set(listing.files);
  // `**/NAME` globs (the defaults) name a last segment: a set look-up, not a pattern per path.
  const byName = new Map<string, string>();
  const patterns: { glob: string; pattern: RegExp }[] = [];
  for (const glob of exclude) {
    const name = /^\*\*\/([^*?/[\]{}]+)$/.exec(glob)?.[1];
    if (name !== undefined) byName.set(name, byName.get(name) ?? glob);
    else patterns.push({ glob, pattern: globPattern(glob) });
  }
  const clusterFolder = (folder: string) =>
    posix.basename(posix.dirname(folder)) === 'clusters' || fileSet.has(`${folder}/flux-system/gotk-sync.yaml`) || fileSet.has(`${folder}/flux-system/gotk-sync.yml`);
  const matching = (path: string, folder: boolean) => {
    const named = byName.get(posix.basename(path));
    if (named !== undefined && !(folder && clusterFolder(path))) return named;
    return patterns.find(({ pattern }) => pattern.test(path))?.glob;
  };
  const leftOut = new Map<string, string>();
  const tops = new Map<string, ExcludedPath>();
  // Sorted, parents come before their folders.
  for (const folder of [...listing.folders].sort()) {
    if (folder === '.') continue;
    const inherited = leftOut.get(posix.dirname(folder));
    if (inherited !== undefined) {
      leftOut.set(folder, inherited);
      continue;
    }
    const glob = matching(folder, true);
    if (glob === undefined) continue;
    leftOut.set(folder, folder);
    tops.set(folder, { path: folder, glob, files: 0 });
  }
  for (const file of listing.files) {
    const inFolder = leftOut.get(posix.dirname(file));
    if (inFolder !== undefined) {
      leftOut.set(file, inFolder);
      tops.get(inFolder)!.files++;
      continue;
    }
    const glob = matching(file, false);
    if (glob === undefined) continue;
    leftOut.set(file, file);
    tops.set(file, { path: file, glob, files: 1 });
  }
  const excluded = [...tops.values()].sort((a, b) => a.path.localeCompare(b.path));
  return { files: listing.files, folders: listing.folders, excluded, leftOut };
}

/** True for a file name the scan reads: `.yaml`, `.yml`, or kustomize's bare `Kustomization`. */
export function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml') || name === 'Kustomization';
}

let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * Reads a file's bytes into a reused buffer; the view is valid until the next call. A file over
 * the YAML limit is an InputError, and reading stops at the limit. (Its size is not asked first:
 * a scan reads 20,000 files, and a file that large is rare.)
 */
export function readBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const tooLarge = () => new InputError(`over ${MAX_YAML_BYTES / 1048576} MiB; files that large are not read`);
    let length = 0;
    for (;;) {
      if (length > MAX_YAML_BYTES) throw tooLarge();
      if (length === scratch.length) {
        const larger = Buffer.allocUnsafe(Math.min(scratch.length * 2, MAX_YAML_BYTES + 1));
        scratch.copy(larger, 0, 0, length);
        scratch = larger;
      }
      const wanted = scratch.length - length;
      const read = readSync(fd, scratch, length, wanted, null);
      length += read;
      // A regular file returns less than asked only at its end: no second read to see 0.
      if (read < wanted) break;
    }
    if (length > MAX_YAML_BYTES) throw tooLarge();
    return scratch.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** The kinds whose objects the scan always reads or follows. */
const KINDS_FOLLOWED = new Set(['List', 'Cluster', 'Kustomization', 'HelmRelease', 'Application', 'ApplicationSet', 'FluxInstance']);

/** The kinds whose pod template may hold a `hostPort`. */
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

const HOST_PORT = Buffer.from('hostPort');
const CLUSTER_SECRET = Buffer.from('argocd.argoproj.io/secret-type');
const NODE_PORT = Buffer.from('nodePort');
const KIND = Buffer.from('kind');
const NAME = Buffer.from('name');

/**
 * Whether a file may matter to the scan, judged on its raw bytes before any YAML parse:
 * - an object the scan follows or reads whole: a List, a kind Cluster, a Kustomization, a
 *   HelmRelease, an Argo CD Application or ApplicationSet, a FluxInstance;
 * - a Service that writes `nodePort`, or whose name is in `names` (the registry's services: a
 *   ClusterIP Service matters only when the registry plans it);
 * - a workload (Pod, Deployment, ...) with a `hostPort`;
 * - an Argo CD cluster Secret, which names a cluster and its API server.
 * Kubernetes field names are case-sensitive, so exact bytes suffice; Helm values and kind mappings
 * only count inside objects of the followed kinds, and patches and chart values are read when
 * something refers to them. Most files of a GitOps repository (dashboards, CRDs, secrets,
 * Deployments, ClusterIP Services) are none of these and are never parsed.
 */
export function mayMatter(bytes: Buffer | ByteRange, names?: ReadonlySet<string>): boolean {
  const range = bytes instanceof ByteRange ? bytes : new ByteRange(bytes, 0, bytes.length);
  let workload = false;
  let service = false;
  let secret = false;
  for (let at = range.indexOf(KIND, range.from); at !== -1; at = range.indexOf(KIND, at + 4)) {
    const kind = wordAfterKey(range.bytes, at + 4);
    if (kind === undefined) continue;
    if (KINDS_FOLLOWED.has(kind) || kind.endsWith('List')) return true;
    if (kind === 'Service') service = true;
    else if (WORKLOAD_KINDS.has(kind)) workload = true;
    else if (kind === 'Secret') secret = true;
  }
  if (secret && range.includes(CLUSTER_SECRET)) return true;
  if (workload && range.includes(HOST_PORT)) return true;
  if (!service) return false;
  if (range.includes(NODE_PORT)) return true;
  if (!names || names.size === 0) return false;
  for (let at = range.indexOf(NAME, range.from); at !== -1; at = range.indexOf(NAME, at + 4)) {
    const name = wordAfterKey(range.bytes, at + 4);
    if (name !== undefined && names.has(name)) return true;
  }
  return false;
}

/**
 * The bytes [from, to) of a file (one document of it, or all of it), searched for byte strings.
 * The documents of one file can share the file's `hits`, where each string found is searched for
 * once in the whole file: asking each of 3,000 documents alone costs a search of every document
 * for every string.
 */
export class ByteRange {
  constructor(
    readonly bytes: Buffer,
    readonly from: number,
    readonly to: number,
    private readonly hits?: ByteHits,
  ) {}

  /** Where in the file `needle` first starts at or after `at`, wholly within the range; -1 when nowhere. */
  indexOf(needle: Buffer, at: number): number {
    const found = this.hits ? this.hits.next(needle, at) : this.bytes.indexOf(needle, at);
    return found === -1 || found + needle.length > this.to ? -1 : found;
  }

  includes(needle: Buffer): boolean {
    return this.indexOf(needle, this.from) !== -1;
  }
}

/** Every place each byte string asked about occurs in a file, found once. */
export class ByteHits {
  private readonly found = new Map<Buffer, Int32Array>();

  constructor(private readonly bytes: Buffer) {}

  /** Where `needle` first starts at or after `at`, or -1. */
  next(needle: Buffer, at: number): number {
    let hits = this.found.get(needle);
    if (!hits) {
      const places: number[] = [];
      for (let i = this.bytes.indexOf(needle); i !== -1; i = this.bytes.indexOf(needle, i + 1)) places.push(i);
      hits = Int32Array.from(places);
      this.found.set(needle, hits);
    }
    let low = 0;
    let high = hits.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (hits[mid]! < at) low = mid + 1;
      else high = mid;
    }
    return low < hits.length ? hits[low]! : -1;
  }
}

/** The value after a key that ends at `at`, as in `kind: Word`, `"kind": "Word"` or `name: 'my-app'`. */
function wordAfterKey(bytes: Buffer, at: number): string | undefined {
  let i = at;
  if (bytes[i] === 0x22 || bytes[i] === 0x27) i++; // closing quote of a quoted key
  while (bytes[i] === 0x20 || bytes[i] === 0x09) i++;
  if (bytes[i] !== 0x3a) return undefined; // :
  i++;
  while (bytes[i] === 0x20 || bytes[i] === 0x09) i++;
  if (bytes[i] === 0x22 || bytes[i] === 0x27) i++;
  const start = i;
  while (i < bytes.length && isNameByte(bytes[i]!)) i++;
  return i > start ? bytes.toString('latin1', start, i) : undefined;
}

/** Letters, digits, `-` and `.`: the bytes of a kind or an object name. */
function isNameByte(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}
