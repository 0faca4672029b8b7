import type { Finding } from './api.ts';

/** Where the dashboard is: a view, its subject, and its filters, all in the address's #fragment. */
export interface Place {
  view: 'map' | 'findings' | 'service' | 'search' | 'change';
  /** The range, service or search words the view is about. */
  subject: string | undefined;
  /** More of the place: a cell (cluster, port), findings' filters, the change's form. */
  params: Record<string, string>;
}

const VIEWS = new Set(['map', 'findings', 'service', 'search', 'change']);

/** The place a #fragment names: `#/map/platform?cluster=forge&port=30081`, `#/service/vllm`. */
export function placeOf(hash: string): Place {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view = 'map', ...rest] = path.split('/');
  const params = Object.fromEntries(new URLSearchParams(query));
  const subject = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
  return { view: (VIEWS.has(view) ? view : 'map') as Place['view'], subject, params };
}

/** The #fragment of a place. */
export function href(view: Place['view'], subject?: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#/${view}${subject !== undefined ? `/${encodeURIComponent(subject)}` : ''}${query ? `?${query}` : ''}`;
}

/** The findings about one cell: at its port, and in its cluster or about one of the services holding it. */
export function findingsAt(findings: readonly Finding[], cluster: string, port: number, services: readonly string[]): Finding[] {
  return findings.filter((f) => f.port === port && (f.cluster === cluster || (f.cluster === null && f.service !== null && services.includes(f.service))));
}
