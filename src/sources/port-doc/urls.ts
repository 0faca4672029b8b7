import type { ServiceDraft } from './drafts.ts';
import { slugOf } from './markdown.ts';
import type { ImportState } from './reader.ts';

/** A URL found in the document: a cross-cluster address, resolved once every service is known. */
export interface UrlMention {
  url: string;
  line: number;
  column: number;
  text: string;
  target?: string;
  /** The cluster the address is used from, when the heading names one. */
  source?: string;
  comment?: string;
}

/** An http(s) URL in running text. */
export const URL_PATTERN = /\bhttps?:\/\/[^\s"'`<>)\]]+/g;

/** Keeps the URLs of a line for later; true when it had any. */
export function mentionUrls(state: ImportState, line: string, number: number): boolean {
  const { target, source } = state.context();
  let found = false;
  for (const match of line.matchAll(URL_PATTERN)) {
    found = true;
    state.urls.push({
      url: match[0].replace(/[.,;:]+$/, ''),
      line: number,
      column: match.index + 1,
      text: line.trim(),
      ...(target !== undefined ? { target } : {}),
      ...(source !== undefined ? { source } : {}),
      ...(state.crossComment !== undefined ? { comment: state.crossComment } : {}),
    });
  }
  return found;
}

/** `Address pattern: \`http://{service}.{namespace}.svc.studio.remote:{port}\`` under a "to Studio" heading. */
export function statePattern(state: ImportState, line: string): boolean {
  const pattern = /`([^`]*\{service\}[^`]*)`/.exec(line)?.[1];
  const { target } = state.context();
  if (!pattern || !target) return false;
  state.clusters.get(target)!.crossClusterUrl = pattern;
  state.statedPatterns.add(target);
  return true;
}

/** Turns the URLs seen into address patterns and namespaces, once every service is known. */
export function resolveUrls(state: ImportState): void {
  for (const mention of state.urls) {
    let url: URL;
    try {
      url = new URL(mention.url);
    } catch {
      state.unplace(mention.line, mention.text, `"${mention.url}" is not a URL`, mention.column - 1);
      continue;
    }
    const labels = url.hostname.split('.');
    const service = serviceCalled(state, labels[0]!);
    if (!service) {
      state.unplace(mention.line, mention.text, `the URL names no service of the document ("${labels[0]}")`, mention.column - 1);
      continue;
    }
    const cluster =
      mention.target ??
      labels.slice(1).find((label) => state.clusters.has(label)) ??
      [...state.clusters.values()].find((c) => mention.comment && new RegExp(`\\bon\\s+${escapeRegExp(c.title ?? c.name)}\\b`, 'i').test(mention.comment))?.name;
    if (!cluster) {
      state.unplace(mention.line, mention.text, 'the URL names no cluster of the document', mention.column - 1);
      continue;
    }
    if (state.statedPatterns.has(cluster)) continue;
    const inNamespace = labels[2] === 'svc' && slugOf(labels[1]!) === labels[1];
    if (inNamespace && service.namespace === undefined) service.namespace = labels[1]!;
    const host = labels.map((label, i) => (i === 0 ? '{service}' : i === 1 && inNamespace ? '{namespace}' : label)).join('.');
    const pattern = `${url.protocol}//${host}:{port}`;
    const draft = state.clusters.get(cluster)!;
    if (draft.crossClusterUrl === undefined) draft.crossClusterUrl = pattern;
    else if (draft.crossClusterUrl !== pattern) {
      state.decisions.push({ line: mention.line, message: `another address pattern for ${cluster} (${pattern}); the first one (${draft.crossClusterUrl}) is kept` });
    }
    recordAccess(state, mention, service, cluster, url);
  }
}

/**
 * An example address is what the team uses across the mesh: the cluster it names exports the
 * service, the cluster it is used from (or every other one) is linked to it, and the address is
 * kept under `mesh.addresses`, where `check` holds it to the plan. A port that is none of the
 * service's node ports is its Service port, as mesh clients use; one that is a node port stays as
 * written, and `check` reports it (cross-cluster-address).
 */
function recordAccess(state: ImportState, mention: UrlMention, service: ServiceDraft, cluster: string, url: URL): void {
  const { mesh } = state;
  // A service that does not run in the cluster the address names is not exported from it: check says so.
  if (service.clusters === 'all' || service.clusters.includes(cluster)) mesh.exports.set(service.name, (mesh.exports.get(service.name) ?? new Set<string>()).add(cluster));
  const sources = mention.source !== undefined ? [mention.source] : [...state.clusters.keys()].filter((c) => c !== cluster);
  for (const source of sources) mesh.links.set(source, (mesh.links.get(source) ?? new Set<string>()).add(cluster));
  mesh.addresses.push({ url: mention.url, ...(mention.source !== undefined ? { from: [mention.source] } : {}) });
  const port = url.port ? Number(url.port) : undefined;
  const registered = service.ports.map((p) => p.overrides.get(cluster) ?? p.port);
  let servicePort = '';
  if (port !== undefined && !registered.includes(port) && service.ports.length === 1 && service.ports[0]!.servicePort === undefined) {
    service.ports[0]!.servicePort = port;
    servicePort = `; port ${port}, not the node port ${registered.join(', ')}, is kept as ${service.name}'s Service port (servicePort), the port mesh clients use`;
  }
  state.decisions.push({ line: mention.line, message: `${mention.url}: cluster ${cluster} exports ${service.name} to ${sources.join(', ') || 'no other cluster'}, kept under mesh${servicePort}` });
}

function serviceCalled(state: ImportState, label: string): ServiceDraft | undefined {
  const lower = label.toLowerCase();
  return state.services.get(lower) ?? [...state.services.values()].find((s) => s.title !== undefined && slugOf(s.title) === lower);
}

/** `text` with every character a regular expression gives meaning to escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
