import { stringify } from 'yaml';
import type { KubernetesObject } from './validating-admission-policy.ts';

/** Writes Kubernetes objects as one multi-document YAML stream, `kubectl apply -f` ready; long CEL lines stay whole. */
export function objectsYaml(objects: readonly KubernetesObject[], header: readonly string[] = []): string {
  const comments = header.map((line) => `# ${line}\n`).join('');
  return comments + objects.map((object) => `---\n${stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}
