import { WILDCARD_ADDRESS, type PortClaim, type Protocol } from '../../core/types.ts';
import { list, locateIn, mapping, text, type KubeObject } from '../k8s-manifests/objects.ts';
import { numeric } from '../k8s-manifests/index.ts';

/** kind binds the API server on this address unless `networking.apiServerAddress` says otherwise. */
const API_SERVER_ADDRESS = '127.0.0.1';

/** True for a kind `Cluster` config (`apiVersion: kind.x-k8s.io/v1alpha4`). */
export function isKindConfig(object: KubeObject): boolean {
  return object.kind === 'Cluster' && object.apiVersion.startsWith('kind.x-k8s.io/');
}

/** The cluster name a kind config gives (`name:`), if any. */
export function kindClusterName(object: KubeObject): string | undefined {
  return text(object.body.name);
}

/**
 * The host ports a kind config binds: each node's `extraPortMappings` (named by the comment beside
 * the mapping, when there is one) and `networking.apiServerPort`. A mapping's containerPort is the
 * port on the node container, which is where a NodePort Service listens.
 */
export function kindConfigClaims(object: KubeObject, cluster: string, host: string): PortClaim[] {
  const claims: PortClaim[] = [];
  const base = { cluster, kind: 'hostPort' as const, status: 'active' as const, source: 'kind-config' as const, host };
  list(object.body.nodes).forEach((entry, n) => {
    list(mapping(entry)?.extraPortMappings).forEach((mappingEntry, m) => {
      const portMapping = mapping(mappingEntry);
      const hostPort = numeric(portMapping?.hostPort);
      const containerPort = numeric(portMapping?.containerPort);
      if (!portMapping || hostPort === undefined || hostPort === 0) return;
      const itemAt = locateIn(object, ['nodes', n, 'extraPortMappings', m]);
      const name = commentBeside(object.source.text, itemAt.line);
      claims.push({
        ...base,
        port: hostPort,
        protocol: ((text(portMapping.protocol) ?? 'TCP').toUpperCase() as Protocol),
        service: name ?? `${cluster}-mapping`,
        portName: name ? String(containerPort ?? hostPort) : `${containerPort ?? '?'}->${hostPort}`,
        listenAddress: text(portMapping.listenAddress) ?? WILDCARD_ADDRESS,
        ...(containerPort !== undefined ? { containerPort } : {}),
        at: locateIn(object, ['nodes', n, 'extraPortMappings', m, 'hostPort']),
      });
    });
  });
  const networking = mapping(object.body.networking);
  const apiServerPort = numeric(networking?.apiServerPort);
  if (apiServerPort !== undefined && apiServerPort > 0) {
    claims.push({
      ...base,
      port: apiServerPort,
      protocol: 'TCP',
      service: `${cluster}-api-server`,
      listenAddress: text(networking?.apiServerAddress) ?? API_SERVER_ADDRESS,
      at: locateIn(object, ['networking', 'apiServerPort']),
    });
  }
  return claims;
}

/**
 * The comment that names a mapping: at the end of its first lines (`- containerPort: 30040  # grafana`),
 * or on a line of its own just above it.
 */
function commentBeside(source: string, line: number): string | undefined {
  const lines = source.split('\n', line + 3);
  const first = lines[line - 1] ?? '';
  const indent = first.search(/\S/);
  const own = trailingComment(first);
  if (own) return own;
  const above = (lines[line - 2] ?? '').trim();
  if (above.startsWith('#')) return cleanName(above.slice(1));
  for (let i = line; i < Math.min(lines.length, line + 2); i++) {
    const current = lines[i]!;
    if (current.search(/\S/) <= indent || current.trimStart().startsWith('-')) break;
    const comment = trailingComment(current);
    if (comment) return comment;
  }
  return undefined;
}

function trailingComment(line: string): string | undefined {
  const match = /\s#\s*(.+)$/.exec(line);
  return match && !/["']/.test(line.slice(0, match.index)) ? cleanName(match[1]!) : undefined;
}

/** The name at the start of a comment: `grafana, on studio's port` names grafana. */
function cleanName(comment: string): string | undefined {
  const name = comment.split(/[,:;(]| - /)[0]!.trim();
  return name.length > 0 ? name : undefined;
}
