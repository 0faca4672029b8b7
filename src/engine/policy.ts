import type { Registry } from '../core/types.ts';
import { admissionPolicies, type KubernetesObject, type PolicyOptions } from '../policy/validating-admission-policy.ts';
import { clusterNamed } from './queries.ts';

/** The ValidatingAdmissionPolicy objects of one cluster. */
export interface ClusterPolicy {
  cluster: string;
  objects: KubernetesObject[];
}

/** Options for `portolan policy`: the clusters (every one when empty) and how to bind. */
export interface PolicyRequest extends PolicyOptions {
  clusters?: readonly string[];
}

/** The policies, bindings and parameter ConfigMap that enforce the plan inside each named cluster. */
export function clusterPolicies(registry: Registry, request: PolicyRequest): ClusterPolicy[] {
  const names = request.clusters && request.clusters.length > 0 ? request.clusters.map((name) => clusterNamed(registry, name).name) : registry.clusters.map((c) => c.name);
  return [...new Set(names)].map((cluster) => ({ cluster, objects: admissionPolicies(registry, cluster, request) }));
}
