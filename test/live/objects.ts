// Objects in the shapes a real API server lists them (metadata with uid, resourceVersion,
// managedFields; Service spec with clusterIP, ipFamilies; status), trimmed of nothing.

let serial = 0;

/** A Service port: `nodePort` is what the cluster runs, `written` whether a manifest set it (else Kubernetes chose it). */
export interface PortSpec {
  name?: string;
  port: number;
  nodePort?: number;
  protocol?: 'TCP' | 'UDP';
  written?: boolean;
}

function metadata(name: string, namespace: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  serial++;
  return {
    name,
    namespace,
    uid: `6f1c${String(serial).padStart(4, '0')}-2b7e-4d0a-9c55-0d3e1b4a${String(serial).padStart(4, '0')}`,
    resourceVersion: String(40000 + serial),
    creationTimestamp: '2026-11-20T09:14:07Z',
    ...extra,
  };
}

/** A Service as `GET /api/v1/services` lists it, with the managedFields of a `kubectl apply` (or Flux) that wrote what `written` says. */
export function service(name: string, namespace: string, type: 'ClusterIP' | 'NodePort' | 'LoadBalancer', ports: PortSpec[], options: { helmRelease?: string; manager?: string } = {}): object {
  const portFields: Record<string, unknown> = { '.': {} };
  for (const p of ports) {
    portFields[`k:{"port":${p.port},"protocol":"${p.protocol ?? 'TCP'}"}`] = { '.': {}, ...(p.name ? { 'f:name': {} } : {}), 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {}, ...(p.written ? { 'f:nodePort': {} } : {}) };
  }
  const labels = options.helmRelease ? { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': options.helmRelease } : { 'app.kubernetes.io/name': name };
  const annotations = options.helmRelease ? { 'meta.helm.sh/release-name': options.helmRelease, 'meta.helm.sh/release-namespace': namespace } : {};
  return {
    metadata: metadata(name, namespace, {
      labels,
      annotations,
      managedFields: [
        {
          manager: options.manager ?? (options.helmRelease ? 'helm-controller' : 'kustomize-controller'),
          operation: 'Apply',
          apiVersion: 'v1',
          time: '2026-11-20T09:14:07Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/name': {} } }, 'f:spec': { 'f:ports': portFields, 'f:selector': {}, 'f:type': {} } },
        },
      ],
    }),
    spec: {
      ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP', port: p.port, targetPort: p.port, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}) })),
      selector: { 'app.kubernetes.io/name': name },
      clusterIP: `10.96.${serial % 250}.${(serial * 7) % 250}`,
      clusterIPs: [`10.96.${serial % 250}.${(serial * 7) % 250}`],
      type,
      sessionAffinity: 'None',
      ...(type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ...(type === 'LoadBalancer' ? { allocateLoadBalancerNodePorts: true } : {}),
    },
    status: { loadBalancer: type === 'LoadBalancer' ? { ingress: [{ ip: '192.168.1.240', ipMode: 'VIP' }] } : {} },
  };
}

function podSpec(container: string, hostPort?: { containerPort: number; hostPort: number; name?: string }): object {
  return {
    containers: [
      {
        name: container,
        image: `ghcr.io/example/${container}:1.4.2`,
        env: [{ name: 'API_TOKEN', value: 'not-for-snapshots' }],
        ports: [hostPort ? { ...(hostPort.name ? { name: hostPort.name } : {}), containerPort: hostPort.containerPort, hostPort: hostPort.hostPort, protocol: 'TCP' } : { containerPort: 8080, protocol: 'TCP' }],
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    schedulerName: 'default-scheduler',
  };
}

/** A DaemonSet whose pods bind a host port on every node, and one of its Pods. */
export function daemonSetWithPod(name: string, namespace: string, hostPort: { containerPort: number; hostPort: number; name?: string }, node: string): { daemonSet: object; pod: object } {
  const daemonSet = {
    metadata: metadata(name, namespace, { generation: 1, labels: { 'app.kubernetes.io/name': name } }),
    spec: { selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: podSpec(name, hostPort) }, updateStrategy: { type: 'RollingUpdate' } },
    status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberReady: 3 },
  };
  const pod = {
    metadata: metadata(`${name}-x7k2p`, namespace, {
      generateName: `${name}-`,
      labels: { 'app.kubernetes.io/name': name, 'controller-revision-hash': '6d5f8b7c9' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: 'a1b2', controller: true, blockOwnerDeletion: true }],
    }),
    spec: { ...podSpec(name, hostPort), nodeName: node },
    status: { phase: 'Running', hostIP: '192.168.1.21', podIP: '10.244.1.7' },
  };
  return { daemonSet, pod };
}

/** A Deployment with a host port, its ReplicaSet and one Pod, as the controllers make them. */
export function deploymentWithPods(name: string, namespace: string, hostPort: { containerPort: number; hostPort: number }): { deployment: object; replicaSet: object; pod: object } {
  const hash = '7d9c4b5f6';
  const deployment = {
    metadata: metadata(name, namespace, { generation: 3, annotations: { 'deployment.kubernetes.io/revision': '3' } }),
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec(name, hostPort) }, strategy: { type: 'Recreate' } },
    status: { replicas: 1, readyReplicas: 1 },
  };
  const replicaSet = {
    metadata: metadata(`${name}-${hash}`, namespace, { labels: { app: name, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: 'c3d4', controller: true, blockOwnerDeletion: true }] }),
    spec: { replicas: 1, selector: { matchLabels: { app: name, 'pod-template-hash': hash } }, template: { metadata: { labels: { app: name, 'pod-template-hash': hash } }, spec: podSpec(name, hostPort) } },
    status: { replicas: 1 },
  };
  const pod = {
    metadata: metadata(`${name}-${hash}-q8wzt`, namespace, { labels: { app: name, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, uid: 'e5f6', controller: true, blockOwnerDeletion: true }] }),
    spec: { ...podSpec(name, hostPort), nodeName: 'nuc-2' },
    status: { phase: 'Running' },
  };
  return { deployment, replicaSet, pod };
}

/** A CronJob without host ports, to be read and dropped. */
export function cronJob(name: string, namespace: string): object {
  return {
    metadata: metadata(name, namespace),
    spec: { schedule: '17 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { ...podSpec(name), restartPolicy: 'OnFailure' } } } } },
    status: {},
  };
}
