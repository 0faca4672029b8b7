import type { Registry } from '../core/types.ts';
import { kyvernoPolicies } from '../policy/kyverno.ts';
import { admissionPolicies, type KubernetesObject, type PolicyOptions } from '../policy/validating-admission-policy.ts';
import { webhookManifests, type WebhookManifestOptions } from '../policy/webhook-manifests.ts';
import { clusterNamed } from './queries.ts';

/** The ValidatingAdmissionPolicy objects of one cluster. */
export interface ClusterPolicy {
  cluster: string;
  objects: KubernetesObject[];
}

/** Options for `portolan policy`: the clusters (every one when empty), how to bind, and for which admission controller. */
export interface PolicyRequest extends PolicyOptions {
  clusters?: readonly string[];
  /** ValidatingAdmissionPolicies (the default), or Kyverno ClusterPolicies with the same CEL. */
  format?: 'vap' | 'kyverno';
}

/** The policies, bindings and parameter ConfigMap that enforce the plan inside each named cluster. */
export function clusterPolicies(registry: Registry, request: PolicyRequest): ClusterPolicy[] {
  const names = request.clusters && request.clusters.length > 0 ? request.clusters.map((name) => clusterNamed(registry, name).name) : registry.clusters.map((c) => c.name);
  const generate = request.format === 'kyverno' ? kyvernoPolicies : admissionPolicies;
  return [...new Set(names)].map((cluster) => ({ cluster, objects: generate(registry, cluster, request) }));
}

/** Options for `portolan webhook manifests`. */
export type WebhookDeploymentRequest = WebhookManifestOptions;

/** The objects that install the admission webhook for one cluster of the registry. */
export function webhookDeployment(registry: Registry, registryText: string, request: WebhookDeploymentRequest): KubernetesObject[] {
  const cluster = clusterNamed(registry, request.cluster);
  return webhookManifests(registryText, { ...request, cluster: cluster.name });
}
