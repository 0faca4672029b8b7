import { kubectlName } from '../../core/observation.ts';
import type { Location, ObjectRef, ObservedService, PortClaim } from '../../core/types.ts';
import { hostPortClaims, isService, serviceClaims, serviceOf, type KubeObject } from '../k8s-manifests/index.ts';
import { list, mapping, text } from '../k8s-manifests/objects.ts';

export { loadKubeconfig, type KubeconfigOptions } from './kubeconfig.ts';
export { LIVE_RESOURCES, readClusters, type ClusterEvent, type ClusterOutcome, type ClusterTarget, type ReadOptions } from './read.ts';
export { readSnapshot, snapshotText, type LiveObject, type Snapshot, type SnapshotHeader } from './snapshot.ts';

/** What one live cluster runs, as claims and Service objects. */
export interface ClusterClaims {
  claims: PortClaim[];
  services: ObservedService[];
  /** Service names and Helm release names: what may stand for a registry service. */
  names: Set<string>;
}

/** Where a live object is shown: its kubectl name, with no line (there is no file). */
export function liveLocation(object: ObjectRef): Location {
  return { file: kubectlName(object), line: 0, column: 0 };
}

/**
 * The claims of one cluster's objects, read live or from a snapshot. A Pod or ReplicaSet whose
 * controller was read too is left to it (a DaemonSet's Pods share its host port on every node, which
 * is no conflict); a Pod whose controller was not read (a `kubectl get svc,pods` snapshot) stands
 * for it, once per controller, named after it. With `live`, places are the objects' kubectl names;
 * without, their places in the snapshot file.
 */
export function clusterClaims(cluster: string, objects: readonly KubeObject[], options: { clusterIpNames?: ReadonlySet<string>; live?: boolean } = {}): ClusterClaims {
  const claims: PortClaim[] = [];
  const services: ObservedService[] = [];
  const names = new Set<string>();
  const present = new Set(objects.map((o) => `${o.kind}\0${o.namespace ?? ''}\0${o.name}`));
  const standIns = new Set<string>();
  const place = (claim: PortClaim): PortClaim => ({ ...claim, cluster, source: 'live', ...(options.live && claim.object ? { at: liveLocation(claim.object) } : {}) });
  for (const object of objects) {
    const release = text(mapping(mapping(object.body.metadata)?.annotations)?.['meta.helm.sh/release-name']);
    if (release !== undefined) names.add(release);
    if (isService(object)) {
      const service = { ...serviceOf(object), cluster };
      const spec = mapping(object.body.spec);
      if (typeof spec?.allocateLoadBalancerNodePorts === 'boolean') service.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts;
      if (options.live) service.at = liveLocation(service.object);
      services.push(service);
      names.add(object.name);
      for (const claim of serviceClaims(service, options.clusterIpNames)) {
        const origin = claim.kind === 'nodePort' ? nodePortOrigin(object, claim) : undefined;
        claims.push({ ...place(claim), ...(origin ? { nodePortOrigin: origin } : {}), ...(release !== undefined ? { helmRelease: release } : {}) });
      }
      continue;
    }
    const owner = controllerOf(object);
    let standIn: ObjectRef | undefined;
    if (owner && (object.kind === 'Pod' || object.kind === 'ReplicaSet' || object.kind === 'Job')) {
      if (present.has(`${owner.kind}\0${object.namespace ?? ''}\0${owner.name}`)) continue;
      standIn = standInFor(object, owner);
      const key = `${standIn.kind}\0${standIn.namespace ?? ''}\0${standIn.name}`;
      if (standIns.has(key) || present.has(key)) continue;
      standIns.add(key);
    }
    for (const claim of hostPortClaims(object)) {
      const named = standIn ? { ...claim, service: standIn.name, object: standIn } : claim;
      claims.push({ ...place(named), ...(release !== undefined ? { helmRelease: release } : {}) });
    }
  }
  return { claims, services, names };
}

/** A controller's reference in `metadata.ownerReferences`. */
function controllerOf(object: KubeObject): { kind: string; name: string } | undefined {
  for (const entry of list(mapping(object.body.metadata)?.ownerReferences)) {
    const owner = mapping(entry);
    const kind = text(owner?.kind);
    const name = text(owner?.name);
    if (owner?.controller === true && kind !== undefined && name !== undefined) return { kind, name };
  }
  return undefined;
}

/**
 * The object a Pod stands for when its controller was not read: the controller, or for a
 * ReplicaSet's Pod the Deployment (a Deployment names its ReplicaSets NAME-HASH, with the hash
 * in the Pod's `pod-template-hash` label).
 */
function standInFor(object: KubeObject, owner: { kind: string; name: string }): ObjectRef {
  const namespace = object.namespace !== undefined ? { namespace: object.namespace } : {};
  const hash = text(mapping(mapping(object.body.metadata)?.labels)?.['pod-template-hash']);
  if (owner.kind === 'ReplicaSet' && hash !== undefined && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', ...namespace, name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, ...namespace, name: owner.name };
}

/**
 * Whether a manifest wrote a node port or Kubernetes chose it. The API server records in
 * `metadata.managedFields` which field manager set each field; a node port that Kubernetes
 * allocated belongs to no manager. Without managedFields (objects older than Kubernetes 1.18,
 * `kubectl get` output without `--show-managed-fields`) the cluster does not say.
 */
function nodePortOrigin(object: KubeObject, claim: PortClaim): 'written' | 'automatic' | undefined {
  const managed = list(mapping(object.body.metadata)?.managedFields);
  if (managed.length === 0 || claim.servicePort === undefined) return undefined;
  const key = `k:{"port":${claim.servicePort},"protocol":"${claim.protocol}"}`;
  const written = managed.some((entry) => mapping(mapping(mapping(mapping(mapping(entry)?.fieldsV1)?.['f:spec'])?.['f:ports'])?.[key])?.['f:nodePort'] !== undefined);
  return written ? 'written' : 'automatic';
}
