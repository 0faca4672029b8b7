import { REGISTRY_FILE } from '../registry/load.ts';
import { SYSTEM_NAMESPACES, type KubernetesObject, type PolicyMode } from './validating-admission-policy.ts';

/** Options for the webhook's deployment. */
export interface WebhookManifestOptions {
  cluster: string;
  mode: PolicyMode;
  namespace: string;
  image: string;
  replicas: number;
  excludeNamespaces?: readonly string[];
  /** A PEM CA bundle to write into the webhook configurations; without it, cert-manager issues the certificate and injects its CA. */
  caBundle?: string;
}

/** The name of the webhook's Deployment, Service, ServiceAccount and certificate. */
export const WEBHOOK_NAME = 'portolan-webhook';

/** Where the webhook listens inside its Pod. */
export const WEBHOOK_PORT = 8443;

/** The DNS names the API server calls the webhook by, which its certificate must hold. */
export function webhookDnsNames(namespace: string): string[] {
  return [`${WEBHOOK_NAME}.${namespace}.svc`, `${WEBHOOK_NAME}.${namespace}.svc.cluster.local`];
}

const WORKLOAD_RULES = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services', 'pods', 'replicationcontrollers'], scope: 'Namespaced' },
  { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], scope: 'Namespaced' },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'], scope: 'Namespaced' },
];

/**
 * Everything that runs the admission webhook in one cluster: its namespace, the registry as a
 * ConfigMap, the Deployment and Service, the certificate (cert-manager, unless a CA bundle is
 * given), and the mutating and validating webhook configurations.
 */
export function webhookManifests(registryText: string, options: WebhookManifestOptions): KubernetesObject[] {
  const { namespace, cluster } = options;
  const labels = { 'app.kubernetes.io/name': WEBHOOK_NAME, 'app.kubernetes.io/managed-by': 'portolan', 'portolan.dev/cluster': cluster };
  const selector = { 'app.kubernetes.io/name': WEBHOOK_NAME };
  // The webhook never judges its own namespace, so it can always start again after an outage.
  const excluded = [...new Set([...SYSTEM_NAMESPACES, namespace, ...(options.excludeNamespaces ?? [])])];
  const namespaceSelector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] };
  const enforce = options.mode === 'deny';
  const clientConfig = (path: string) => ({
    service: { name: WEBHOOK_NAME, namespace, path, port: 443 },
    ...(options.caBundle !== undefined ? { caBundle: Buffer.from(options.caBundle).toString('base64') } : {}),
  });
  const injected = options.caBundle === undefined ? { annotations: { 'cert-manager.io/inject-ca-from': `${namespace}/${WEBHOOK_NAME}` } } : {};
  const args = ['webhook', `/etc/portolan/${REGISTRY_FILE}`, '--cluster', cluster, '--cert', '/etc/portolan/tls/tls.crt', '--key', '/etc/portolan/tls/tls.key', '--host', '0.0.0.0', '--port', String(WEBHOOK_PORT), '--mode', options.mode];
  for (const name of options.excludeNamespaces ?? []) args.push('--exclude-namespace', name);
  const probe = (path: string) => ({ httpGet: { path, port: 'https', scheme: 'HTTPS' }, periodSeconds: 10 });

  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'portolan-registry', namespace, labels }, data: { [REGISTRY_FILE]: registryText } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: WEBHOOK_NAME, namespace, labels }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: WEBHOOK_NAME, namespace, labels },
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: WEBHOOK_NAME,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'webhook',
                image: options.image,
                args,
                ports: [{ name: 'https', containerPort: WEBHOOK_PORT, protocol: 'TCP' }],
                readinessProbe: probe('/readyz'),
                livenessProbe: probe('/healthz'),
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'registry', mountPath: '/etc/portolan', readOnly: true },
                  { name: 'tls', mountPath: '/etc/portolan/tls', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'registry', configMap: { name: 'portolan-registry' } },
              { name: 'tls', secret: { secretName: `${WEBHOOK_NAME}-tls` } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: WEBHOOK_NAME, namespace, labels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
    },
  ];
  if (options.caBundle === undefined) {
    objects.push(
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: `${WEBHOOK_NAME}-selfsigned`, namespace, labels }, spec: { selfSigned: {} } },
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: WEBHOOK_NAME, namespace, labels },
        spec: {
          secretName: `${WEBHOOK_NAME}-tls`,
          dnsNames: webhookDnsNames(namespace),
          issuerRef: { name: `${WEBHOOK_NAME}-selfsigned`, kind: 'Issuer' },
          duration: '2160h',
          renewBefore: '360h',
          privateKey: { rotationPolicy: 'Always' },
        },
      },
    );
  }
  objects.push(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: `portolan-${cluster}`, labels, ...injected },
      webhooks: [
        {
          name: 'nodeports.portolan.dev',
          clientConfig: clientConfig('/mutate'),
          rules: [WORKLOAD_RULES[0]!].map((rule) => ({ ...rule, resources: ['services'] })),
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          timeoutSeconds: 2,
          // Filling in a port is a convenience: when the webhook is down, the validating side still judges.
          failurePolicy: 'Ignore',
          matchPolicy: 'Equivalent',
          // Another mutating webhook may add a port after this one ran: run again then.
          reinvocationPolicy: 'IfNeeded',
          namespaceSelector,
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: `portolan-${cluster}`, labels, ...injected },
      webhooks: [
        {
          name: 'ports.portolan.dev',
          clientConfig: clientConfig('/validate'),
          rules: WORKLOAD_RULES,
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          timeoutSeconds: 2,
          failurePolicy: enforce ? 'Fail' : 'Ignore',
          matchPolicy: 'Equivalent',
          namespaceSelector,
        },
      ],
    },
  );
  return objects;
}
