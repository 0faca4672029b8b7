import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

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

/** True for a file name the scan reads: `.yaml`, `.yml`, or kustomize's bare `Kustomization`. */
export function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml') || name === 'Kustomization';
}

let scratch = Buffer.allocUnsafe(1 << 20);

/** Reads a file's bytes into a reused buffer; the view is valid until the next call. */
export function readBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) {
        const larger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(larger, 0, 0, length);
        scratch = larger;
      }
      const read = readSync(fd, scratch, length, scratch.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return scratch.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a file may matter to the scan, judged on its raw bytes before any YAML parse: it names
 * a port key (nodePort, hostPort, a kind mapping, the API server port) or is an object the scan
 * follows or reads (Service, List, Kustomization, HelmRelease, Argo CD Application, kind Cluster).
 * Most files of a GitOps repository (dashboards, CRDs, secrets) are neither and are never parsed.
 */
export function mayMatter(bytes: Buffer): boolean {
  return PORT_OR_KIND.test(bytes.toString('latin1'));
}

const PORT_OR_KIND =
  /node_?ports?|hostport|apiserverport|extraportmappings|kind["']?\s*:\s*["']?(?:Service|[A-Za-z]*List|Cluster|Kustomization|HelmRelease|Application|ApplicationSet)\b/i;
