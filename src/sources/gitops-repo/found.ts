import type { ObjectRef, ObservedAddress, ObservedLink, ObservedService, PortClaim } from '../../core/types.ts';
import type { HelmRelease } from '../helm-release/index.ts';

/** What a cluster's manifests hold, gathered by following kustomizations, Flux and Argo CD. */
export interface Found {
  services: ObservedService[];
  claims: PortClaim[];
  releases: HelmRelease[];
  /** Linkerd Links and the addresses of other clusters' services, for the mesh rules. */
  links: Omit<ObservedLink, 'cluster'>[];
  addresses: Omit<ObservedAddress, 'cluster'>[];
  /** Files that kustomize's configMapGenerator turns into ConfigMap keys: name -> key -> file. */
  generatedConfigMaps: Map<string, Map<string, string>>;
}

/** Nothing found yet. */
export function emptyFound(): Found {
  return { services: [], claims: [], releases: [], links: [], addresses: [], generatedConfigMaps: new Map() };
}

/** Adds what `from` found to `into`. */
export function merge(into: Found, from: Found): void {
  into.services.push(...from.services);
  into.claims.push(...from.claims);
  into.releases.push(...from.releases);
  into.links.push(...from.links);
  into.addresses.push(...from.addresses);
  for (const [name, keys] of from.generatedConfigMaps) into.generatedConfigMaps.set(name, keys);
}

/** Sets the namespace of everything found; `override` false only fills in missing ones. */
export function setNamespace(found: Found, namespace: string, override = true): void {
  const set = (object: ObjectRef): ObjectRef => (override || object.namespace === undefined ? { ...object, namespace } : object);
  for (const service of found.services) service.object = set(service.object);
  for (const claim of found.claims) if (claim.object) claim.object = set(claim.object);
  for (const release of found.releases) release.object = set(release.object);
  for (const address of found.addresses) address.object = set(address.object);
}

/**
 * Flux's post-build substitution over what a Flux Kustomization deploys: `${VAR}`, and
 * `${VAR:=default}` or `${VAR:-default}` when VAR is not set, in nodePorts and Helm values. Flux
 * substitutes the text before it is parsed, so a nodePort that becomes digits is a number.
 */
export function substituteVariables(found: Found, variables: ReadonlyMap<string, string>): void {
  const fill = (value: string) =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[=-]([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => variables.get(name) ?? fallback ?? whole);
  const fillDeep = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const filled = fill(value);
      return filled !== value && /^\d+$/.test(filled) ? Number(filled) : filled;
    }
    if (Array.isArray(value)) return value.map(fillDeep);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v)]));
    return value;
  };
  for (const service of found.services) {
    for (const port of service.ports) if (typeof port.nodePort === 'string') port.nodePort = fillDeep(port.nodePort) as number | string;
  }
  for (const release of found.releases) release.layers = release.layers.map((layer) => ({ ...layer, values: fillDeep(layer.values) }));
}
