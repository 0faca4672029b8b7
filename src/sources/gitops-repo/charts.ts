import { posix } from 'node:path';
import type { PortClaim } from '../../core/types.ts';
import type { HelmRelease } from '../helm-release/index.ts';
import { hostPortClaims, numeric } from '../k8s-manifests/index.ts';
import { InputError } from '../../core/errors.ts';
import { list, locateIn, mapping, readTemplate, text, type ManifestFile } from '../k8s-manifests/objects.ts';
import type { RepoReader } from './reader.ts';

/** A chart folder deployed as it is (a cluster's `paths` names it): a release named after the chart, with its values.yaml. */
export function chartFolderRelease(reader: RepoReader, folder: string): HelmRelease {
  const chart = reader.yamlFile(`${folder}/Chart.yaml`);
  const name = text(mapping(chart?.value)?.name) ?? posix.basename(folder);
  return { object: { kind: 'Chart', name }, releaseName: name, chart: name, chartPath: folder, layers: [], ...(chart ? { at: chart.locate([]) } : {}) };
}

/**
 * The ports a chart's templates write as plain numbers (`nodePort: 30555` on a line without
 * `{{ }}`): whatever the values, the rendered Service holds them. They are claims of the release;
 * an object whose name is a template takes the release's name. A Service whose type is written
 * ClusterIP claims nothing; one whose type is a template is taken at its word.
 */
export function chartTemplateClaims(reader: RepoReader, release: HelmRelease): PortClaim[] {
  if (release.chartPath === undefined) return [];
  const prefix = `${release.chartPath}/templates/`;
  const claims: PortClaim[] = [];
  for (const file of reader.fileSet) {
    if (!file.startsWith(prefix)) continue;
    reader.reach(file);
    const manifest = templateOf(reader, file);
    for (const object of manifest?.objects ?? []) {
      const name = object.name.trim() === '' ? release.releaseName : object.name;
      const ref = { kind: object.kind, ...(release.object.namespace !== undefined ? { namespace: release.object.namespace } : {}), name };
      if (object.kind === 'Service') {
        const spec = mapping(object.body.spec) ?? {};
        if (text(spec.type) === 'ClusterIP') continue;
        list(spec.ports).forEach((entry, i) => {
          const port = mapping(entry);
          const nodePort = numeric(port?.nodePort);
          if (!port || nodePort === undefined) return;
          const portName = text(port.name);
          claims.push({
            cluster: '',
            port: nodePort,
            protocol: text(port.protocol) === 'UDP' ? 'UDP' : 'TCP',
            kind: 'nodePort',
            service: release.releaseName,
            ...(portName !== undefined ? { portName } : {}),
            status: 'active',
            source: 'manifest',
            object: ref,
            ...(typeof port.port === 'number' ? { servicePort: port.port } : {}),
            at: locateIn(object, ['spec', 'ports', i, 'nodePort']),
          });
        });
      } else {
        for (const claim of hostPortClaims(object)) claims.push({ ...claim, service: release.releaseName, object: ref });
      }
    }
  }
  return claims;
}

/** A template's objects, or none when even blanked it is not YAML (a `range` that builds the structure). */
function templateOf(reader: RepoReader, file: string): ManifestFile | undefined {
  const content = reader.readText(file);
  if (content === undefined) return undefined;
  try {
    return readTemplate(reader.show(file), content);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}
