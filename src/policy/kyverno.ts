import type { Registry } from '../core/types.ts';
import { admissionPolicies, excludedNamespaces, POLICY_SHAPES, policyName, type KubernetesObject, type PolicyOptions, type PolicyShape } from './validating-admission-policy.ts';

/**
 * The same checks for teams that run Kyverno (1.11 and later): ClusterPolicies whose rules validate
 * with the generated CEL and read the same parameter ConfigMap. The advice gets a policy of its
 * own in Audit, since Kyverno's failure action holds for a whole policy.
 */
export function kyvernoPolicies(registry: Registry, clusterName: string, options: PolicyOptions): KubernetesObject[] {
  // The namespace and the parameter ConfigMap are the ones the ValidatingAdmissionPolicies read.
  const [namespace, parameters] = admissionPolicies(registry, clusterName, options);
  const excluded = excludedNamespaces(options);
  const labels = parameters!.metadata.labels;
  const rule = (shape: PolicyShape) => ({
    name: shape.suffix,
    match: { any: [{ resources: { kinds: shape.kinds, operations: ['CREATE', 'UPDATE'] } }] },
    exclude: { any: [{ resources: { namespaces: excluded } }] },
    validate: {
      cel: {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        paramRef: { name: policyName(clusterName), namespace: options.namespace, parameterNotFoundAction: 'Deny' },
        variables: shape.variables,
        expressions: shape.validations.map(({ expression, messageExpression, reason }) => ({ expression, messageExpression, reason })),
      },
    },
  });
  const policy = (name: string, shapes: PolicyShape[], action: 'Enforce' | 'Audit'): KubernetesObject => ({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      labels,
      // The Pod template rules name the Pod controllers themselves; Kyverno generates none for them.
      annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none', 'policies.kyverno.io/title': `Port plan of cluster ${clusterName}` },
    },
    spec: { validationFailureAction: action, background: false, failurePolicy: action === 'Enforce' ? 'Fail' : 'Ignore', rules: shapes.map(rule) },
  });
  const enforced = POLICY_SHAPES.filter((shape) => shape.suffix !== 'advice');
  const advice = POLICY_SHAPES.filter((shape) => shape.suffix === 'advice');
  return [
    namespace!,
    parameters!,
    policy(policyName(clusterName), enforced, options.mode === 'deny' ? 'Enforce' : 'Audit'),
    policy(policyName(clusterName, 'advice'), advice, 'Audit'),
  ];
}
