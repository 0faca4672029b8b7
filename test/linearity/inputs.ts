// The inputs of each kind that Portolan reads, generated at a given size, and the reader run on each.
import { join } from 'node:path';
import { checkRegistry } from '../../src/engine/check.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { scanRepo } from '../../src/sources/gitops-repo/index.ts';
import { loadPortDocument } from '../../src/sources/port-doc/index.ts';

/** One kind of input: its files at size `n`, and what reads them. */
export interface InputKind {
  make(n: number): Record<string, string>;
  run(dir: string): void | Promise<void>;
}

const checkFolder = (dir: string) => {
  checkRegistry(loadRegistry(join(dir, 'portolan.yaml')));
};

function services(n: number, eol = '\n'): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `  svc-${i}:${eol}    range: apps${eol}    port: ${20000 + (i % 40000)}${eol}`;
  return text;
}

/** Every kind, by name. */
export const inputs: Record<string, InputKind> = {
  // A long run of lines without a colon: the notes of a registry.
  'registry-notes': {
    make: (n) => ({ 'portolan.yaml': `version: 1\nnotes:\n${'  - Reserve ranges, and never hand out ad-hoc ports in any cluster\n'.repeat(n)}ranges: {}\nclusters: {}\nservices: {}\n` }),
    run: checkFolder,
  },
  // Many services, read by the fast block reader.
  'registry-services': {
    make: (n) => ({ 'portolan.yaml': `version: 1\nranges:\n  apps:\n    ports: 20000-59999\nclusters:\n  lab: {}\nservices:\n${services(n)}` }),
    run: checkFolder,
  },
  // The same with a block scalar, which only js-yaml reads.
  'registry-js-yaml': {
    make: (n) => ({ 'portolan.yaml': `version: 1\nranges:\n  apps:\n    ports: 20000-59999\n    description: |\n      Team applications.\nclusters:\n  lab: {}\nservices:\n${services(n)}` }),
    run: checkFolder,
  },
  // Windows line ends.
  'registry-crlf': {
    make: (n) => ({ 'portolan.yaml': `version: 1\r\nranges:\r\n  apps:\r\n    ports: 20000-59999\r\nclusters:\r\n  lab: {}\r\nservices:\r\n${services(n, '\r\n')}` }),
    run: checkFolder,
  },
  // Many Services in one file, as `kubectl get svc -A -o yaml` or a rendered chart gives them.
  'manifest-documents': {
    make: (n) => {
      const documents: string[] = [];
      for (let i = 0; i < n; i++) {
        documents.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: apps\nspec:\n  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodePort: ${30000 + (i % 2700)}\n`);
      }
      return { 'services.yaml': documents.join('---\n') };
    },
    run: (dir) => {
      scanRepo(dir, { cwd: dir });
    },
  },
  // A chart template: Helm expressions on many lines, blanked out before the file is read.
  'manifest-templates': {
    make: (n) => {
      let labels = '';
      for (let i = 0; i < n; i++) labels += `    label-${i}: {{ .Values.labels.l${i} | quote }}\n`;
      return { 'service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n${labels}spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: {{ .Values.nodePort }}\n` };
    },
    run: (dir) => {
      scanRepo(dir, { cwd: dir });
    },
  },
  // A Flux HelmRelease whose values hold many services with node ports, in a cluster's folder.
  'helm-release': {
    make: (n) => {
      let values = '';
      for (let i = 0; i < n; i++) values += `      svc${i}:\n        service:\n          type: NodePort\n          nodePort: ${30000 + (i % 2700)}\n`;
      return {
        'clusters/lab/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n',
        'clusters/lab/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: platform\n  namespace: flux-system\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: platform\n  values:\n${values}`,
      };
    },
    run: (dir) => {
      scanRepo(dir, { cwd: dir });
    },
  },
  // A kind config with many port mappings.
  'kind-config': {
    make: (n) => {
      let mappings = '';
      for (let i = 0; i < n; i++) mappings += `      - containerPort: ${30000 + (i % 2700)}\n        hostPort: ${30000 + (i % 2700)}   # svc-${i}\n`;
      return { 'kind.yaml': `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraPortMappings:\n${mappings}` };
    },
    run: (dir) => {
      scanRepo(dir, { cwd: dir });
    },
  },
  // A hand-written port document: a table of ranges and a long block of `name: port` lines.
  'port-document': {
    make: (n) => {
      let lines = '';
      for (let i = 0; i < n; i++) lines += `service-${i}: ${30000 + (i % 1000)}  # the service number ${i}\n`;
      return { 'PORTS.md': `# Ports\n\n| Range | Purpose |\n|---|---|\n| 30000-30999 | Apps |\n\n## Apps (30000-30999)\n\n\`\`\`yaml\n${lines}\`\`\`\n` };
    },
    run: (dir) => {
      loadPortDocument(join(dir, 'PORTS.md'), 'PORTS.md');
    },
  },
};
