// Writes a deterministic GitOps repository for the scan benchmark: three clusters deployed by Flux,
// mostly files without ports (dashboards, CRDs, secrets, deployments), a few hundred port claims,
// traps that mention nodePort without being ports, and a kind config per cluster.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CLUSTERS = ['forge', 'studio', 'pro'];

/** A small seeded generator (mulberry32), so every run writes the same tree. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');

function dashboard(rand, name, size) {
  const panels = [];
  let length = 0;
  while (length < size) {
    const panel = `      {"id": ${panels.length}, "type": "timeseries", "title": "${words[Math.floor(rand() * words.length)]} ${name}", "targets": [{"expr": "sum(rate(http_requests_total{job=\\"${name}\\", code=~\\"5..\\"}[5m])) by (instance)", "refId": "A"}], "gridPos": {"h": 8, "w": 12, "x": ${panels.length % 2 * 12}, "y": ${panels.length * 8}}}`;
    panels.push(panel);
    length += panel.length + 2;
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-dashboard\n  labels:\n    grafana_dashboard: "1"\ndata:\n  ${name}.json: |\n    {"title": "${name}", "panels": [\n${panels.join(',\n')}\n    ]}\n`;
}

function crd(rand, name, size) {
  const properties = [];
  let length = 0;
  while (length < size) {
    const property = `                ${words[Math.floor(rand() * words.length)]}${properties.length}:\n                  type: string\n                  description: The ${words[Math.floor(rand() * words.length)]} setting of the ${name} resource, as the controller reads it on each reconcile.\n`;
    properties.push(property);
    length += property.length;
  }
  return `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}s.example.io\nspec:\n  group: example.io\n  names:\n    kind: ${name[0].toUpperCase()}${name.slice(1)}\n    plural: ${name}s\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n${properties.join('')}`;
}

function secret(rand, name, size) {
  let data = '';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < size; i++) data += alphabet[Math.floor(rand() * 64)];
  return `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: ${name}\nspec:\n  encryptedData:\n    password: ${data}\n`;
}

function deployment(name, image) {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  labels:\n    app.kubernetes.io/name: ${name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: ${name}\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n          ports:\n            - name: http\n              containerPort: 8080\n          resources:\n            requests: { cpu: 100m, memory: 128Mi }\n            limits: { memory: 512Mi }\n          readinessProbe:\n            httpGet: { path: /healthz, port: http }\n`;
}

function service(name, nodePort) {
  return nodePort === undefined
    ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app.kubernetes.io/name: ${name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n`
    : `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort\n  selector:\n    app.kubernetes.io/name: ${name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n      nodePort: ${nodePort}\n`;
}

function helmRelease(name, nodePort) {
  return `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  interval: 30m\n  chart:\n    spec:\n      chart: ${name}\n      sourceRef: { kind: HelmRepository, name: charts }\n  values:\n    service:\n      type: NodePort\n      nodePorts:\n        http: ${nodePort}\n`;
}

/** A fresh tree under `dir`: `put` writes a file and counts it and its bytes; `write` only writes it. */
function tree(dir) {
  rmSync(dir, { recursive: true, force: true });
  const counted = { files: 0, bytes: 0 };
  const write = (path, text) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const put = (path, text) => {
    write(path, text);
    counted.files++;
    counted.bytes += text.length;
  };
  return { write, put, counted };
}

/** The Flux sync that `flux bootstrap` writes for a cluster, pointing at its apps folder. */
function fluxSync(cluster) {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps/${cluster}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
}

/** A kustomization.yaml listing `resources`. */
function kustomization(resources) {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
}

/**
 * Writes the repository under `dir` and returns what it planted. `files` is the number of
 * manifest files (about 10 KB each on average).
 */
export function generate(dir, { files = 20000, seed = 42 } = {}) {
  const rand = random(seed);
  const { write, put, counted } = tree(dir);
  const perCluster = Math.floor(files / CLUSTERS.length);
  let claims = 0;
  CLUSTERS.forEach((cluster, c) => {
    put(`clusters/${cluster}/flux-system/gotk-sync.yaml`, fluxSync(cluster));
    const mappings = [];
    let app = 0;
    let inCluster = 1;
    while (inCluster < perCluster) {
      const name = `app-${c}-${app}`;
      const folder = `apps/${cluster}/${name}`;
      const resources = [];
      const add = (file, text) => {
        put(`${folder}/${file}`, text);
        resources.push(file);
        inCluster++;
      };
      add('deployment.yaml', deployment(name, `ghcr.io/example/${name}:1.${app}.0`));
      if (app % 7 === 0 && app < 700) {
        const nodePort = 30000 + c * 1000 + app / 7;
        add('service.yaml', service(name, nodePort));
        mappings.push(nodePort);
        claims++;
      } else add('service.yaml', service(name));
      if (app % 40 === 3) {
        const nodePort = 30500 + c * 1000 + Math.floor(app / 40);
        add('release.yaml', helmRelease(`${name}-chart`, nodePort));
        claims++;
      }
      if (app % 150 === 5) {
        add('ingress.yaml', `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}-ingress\nspec:\n  selector: { matchLabels: { app: ${name}-ingress } }\n  template:\n    metadata: { labels: { app: ${name}-ingress } }\n    spec:\n      containers:\n        - name: controller\n          image: registry.k8s.io/ingress-nginx/controller:v1.11.2\n          ports:\n            - { name: http, containerPort: 80, hostPort: ${80 + c} }\n`);
      }
      if (app % 60 === 17) {
        add('list.yaml', `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: ${name}-legacy }\n    spec:\n      type: NodePort\n      ports: [{ port: 80, nodePort: ${31000 + c * 300 + Math.floor(app / 60)} }]\n`);
        claims++;
      }
      if (app % 25 === 11) {
        add('bootstrap.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-bootstrap\ndata:\n  run.sh: |\n    kubectl patch svc ${name} -p '{"spec":{"ports":[{"nodePort":31999}]}}'\n`);
      }
      const extra = 2 + Math.floor(rand() * 6);
      for (let i = 0; i < extra && inCluster < perCluster; i++) {
        const roll = rand();
        if (roll < 0.3) add(`dashboard-${i}.yaml`, dashboard(rand, `${name}-${i}`, 10000 + Math.floor(rand() * 36000)));
        else if (roll < 0.36) add(`crd-${i}.yaml`, crd(rand, `${name.replace(/-/g, '')}x${i}`, 40000 + Math.floor(rand() * 60000)));
        else if (roll < 0.7) add(`secret-${i}.yaml`, secret(rand, `${name}-secret-${i}`, 1000 + Math.floor(rand() * 3000)));
        else add(`config-${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config-${i}\ndata:\n  LOG_LEVEL: info\n  FEATURE_${i}: "${words[i % words.length]}"\n`);
      }
      write(`${folder}/kustomization.yaml`, kustomization(resources));
      app++;
    }
    write(
      `kind/${cluster}.yaml`,
      `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: ${cluster}\nnodes:\n  - role: control-plane\n    extraPortMappings:\n${mappings
        .slice(0, 40)
        .map((port) => `      - containerPort: ${port}\n        hostPort: ${port + 2000 * c}\n`)
        .join('')}`,
    );
  });
  return { ...counted, claims };
}

/**
 * Writes a repository of large multi-document files under `dir`: per cluster, a Flux
 * Kustomization whose kustomization.yaml lists `bundles` files, each holding `documents`
 * documents separated by `---` (Deployments, ClusterIP and NodePort Services, ConfigMaps, as
 * `kustomize build` or a Helm template dump writes them). Returns what it planted.
 */
export function generateMultiDocument(dir, { bundles = 8, documents = 3000, seed = 7 } = {}) {
  const rand = random(seed);
  const { put, counted } = tree(dir);
  let claims = 0;
  CLUSTERS.forEach((cluster, c) => {
    put(`clusters/${cluster}/flux-system/gotk-sync.yaml`, fluxSync(cluster));
    const files = [];
    for (let b = 0; b < bundles; b++) {
      const parts = [`# Source: rendered bundle ${b} for ${cluster}`];
      for (let d = 0; d < documents; d++) {
        const name = `bundle-${b}-app-${d}`;
        const roll = d % 3;
        if (roll === 0) parts.push(deployment(name, `ghcr.io/example/${name}:1.${d}.0`));
        else if (roll === 1) {
          // One Service in 40 is a NodePort, with a number unique in its cluster.
          const nodePort = d % 120 === 1 ? 30000 + c * 3000 + b * 250 + Math.floor(d / 120) : undefined;
          if (nodePort !== undefined) claims++;
          parts.push(service(name, nodePort));
        } else parts.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\ndata:\n  LOG_LEVEL: info\n  FEATURE: "${words[Math.floor(rand() * words.length)]}"\n`);
      }
      const file = `bundle-${b}.yaml`;
      put(`apps/${cluster}/${file}`, `${parts.join('---\n')}`);
      files.push(file);
    }
    put(`apps/${cluster}/kustomization.yaml`, kustomization(files));
  });
  return { ...counted, claims };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? new URL('out/repo', import.meta.url).pathname;
  const files = Number(process.argv[3] ?? 20000);
  console.log(generate(dir, { files }));
}
