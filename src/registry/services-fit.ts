import { NAME_PATTERN } from './schema.ts';

/**
 * The schema's check of `services:`, written out for the objects a YAML reader makes: a registry
 * holds 100,000 entries, and the compiled check copies each entry's keys into arrays to look at
 * them. It answers exactly as the compiled `ServiceSchema` record does for plain objects (no
 * symbol or non-enumerable keys, which YAML cannot write); a property test holds it to that. When
 * it says no, the compiled check runs and `explain` says what is wrong, so messages come from one place.
 */
export function servicesFitSchema(services: unknown): boolean {
  if (!isMapping(services)) return false;
  for (const name in services) {
    if (!NAME.test(name) || !serviceFits((services as Record<string, unknown>)[name])) return false;
  }
  return true;
}

const NAME = new RegExp(NAME_PATTERN);
const SERVICE_KEYS = new Set(['title', 'kubernetesName', 'range', 'namespace', 'exposure', 'clusters', 'port', 'ports', 'status', 'replacedBy', 'owner', 'notes', 'ignore']);
const PORT_KEYS = new Set(['servicePort', 'protocol', 'overrides', 'notes']);

function serviceFits(service: unknown): boolean {
  if (service === null || typeof service !== 'object' || Array.isArray(service)) return false;
  const entry = service as Record<string, unknown>;
  for (const key in entry) {
    const value = entry[key];
    // The schema lets an optional key be undefined, which YAML cannot write but a caller might.
    if (value === undefined && SERVICE_KEYS.has(key)) continue;
    switch (key) {
      case 'title':
      case 'range':
      case 'replacedBy':
      case 'owner':
      case 'notes':
        if (typeof value !== 'string') return false;
        break;
      case 'kubernetesName':
      case 'namespace':
        if (typeof value !== 'string' || value.length > 63 || !NAME.test(value)) return false;
        break;
      case 'exposure':
        if (value !== 'ClusterIP' && value !== 'NodePort' && value !== 'LoadBalancer') return false;
        break;
      case 'clusters':
        if (value !== 'all' && !nonEmptyStrings(value)) return false;
        break;
      case 'port':
        if (!portEntryFits(value)) return false;
        break;
      case 'ports':
        if (!isMapping(value)) return false;
        for (const portName in value) if (!NAME.test(portName) || !portEntryFits((value as Record<string, unknown>)[portName])) return false;
        break;
      case 'status':
        if (value !== 'active' && value !== 'legacy' && value !== 'reserved') return false;
        break;
      case 'ignore':
        if (!Array.isArray(value)) return false;
        for (const ignore of value) if (!ignoreFits(ignore)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A port number, or `{ port, servicePort?, protocol?, overrides?, notes? }`. */
function portEntryFits(entry: unknown): boolean {
  if (isPort(entry)) return true;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return false;
  const port = entry as Record<string, unknown>;
  if (!isPort(port.port)) return false;
  for (const key in port) {
    const value = port[key];
    if (value === undefined && PORT_KEYS.has(key)) continue;
    switch (key) {
      case 'port':
        break;
      case 'servicePort':
        if (!isPort(value)) return false;
        break;
      case 'protocol':
        if (value !== 'TCP' && value !== 'UDP' && value !== 'SCTP') return false;
        break;
      case 'overrides':
        if (!isMapping(value)) return false;
        for (const cluster in value) if (!NAME.test(cluster) || !isPort((value as Record<string, unknown>)[cluster])) return false;
        break;
      case 'notes':
        if (typeof value !== 'string') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `{ rule, reason, clusters? }`, rule and reason not empty. */
function ignoreFits(ignore: unknown): boolean {
  if (ignore === null || typeof ignore !== 'object' || Array.isArray(ignore)) return false;
  const entry = ignore as Record<string, unknown>;
  if (typeof entry.rule !== 'string' || entry.rule.length < 1 || typeof entry.reason !== 'string' || entry.reason.length < 1) return false;
  for (const key in entry) {
    if (key === 'clusters') {
      if (entry.clusters !== undefined && !nonEmptyStrings(entry.clusters)) return false;
    } else if (key !== 'rule' && key !== 'reason') return false;
  }
  return true;
}

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) <= 65535 && (value as number) >= 1;
}

function nonEmptyStrings(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1) return false;
  for (const name of value) if (typeof name !== 'string') return false;
  return true;
}

/** A mapping as the schema's records take it: an object that is not a list, a date or bytes. */
function isMapping(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}
