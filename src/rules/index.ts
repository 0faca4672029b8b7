import type { Rule } from './rule.ts';
import autoAssignedNodeport from './auto-assigned-nodeport.ts';
import clusterUnreachable from './cluster-unreachable.ts';
import crossClusterAddress from './cross-cluster-address.ts';
import crossClusterInconsistency from './cross-cluster-inconsistency.ts';
import duplicateService from './duplicate-service.ts';
import dynamicBand from './dynamic-band.ts';
import freePortInUse from './free-port-in-use.ts';
import hostportCollision from './hostport-collision.ts';
import hostportOffset from './hostport-offset.ts';
import invalidService from './invalid-service.ts';
import kindStaleMapping from './kind-stale-mapping.ts';
import kindUnmappedNodeport from './kind-unmapped-nodeport.ts';
import meshExportMissing from './mesh-export-missing.ts';
import notDeployed from './not-deployed.ts';
import outOfRange from './out-of-range.ts';
import outOfSync from './out-of-sync.ts';
import outsideNodeportRange from './outside-nodeport-range.ts';
import portConflict from './port-conflict.ts';
import portMismatch from './port-mismatch.ts';
import preferLoadbalancer from './prefer-loadbalancer.ts';
import rangeOverlap from './range-overlap.ts';
import reservedPortUsed from './reserved-port-used.ts';
import unknownCluster from './unknown-cluster.ts';
import unknownRange from './unknown-range.ts';
import unparsableFile from './unparsable-file.ts';
import unregisteredPort from './unregistered-port.ts';
import unreservedPort from './unreserved-port.ts';
import unusedIgnore from './unused-ignore.ts';

/** Every rule by id, sorted; the id is also the rule's file name, doc page and fixture folder. */
export const rules: Readonly<Record<string, Rule>> = {
  'auto-assigned-nodeport': autoAssignedNodeport,
  'cluster-unreachable': clusterUnreachable,
  'cross-cluster-address': crossClusterAddress,
  'cross-cluster-inconsistency': crossClusterInconsistency,
  'duplicate-service': duplicateService,
  'dynamic-band': dynamicBand,
  'free-port-in-use': freePortInUse,
  'hostport-collision': hostportCollision,
  'hostport-offset': hostportOffset,
  'invalid-service': invalidService,
  'kind-stale-mapping': kindStaleMapping,
  'kind-unmapped-nodeport': kindUnmappedNodeport,
  'mesh-export-missing': meshExportMissing,
  'not-deployed': notDeployed,
  'out-of-range': outOfRange,
  'out-of-sync': outOfSync,
  'outside-nodeport-range': outsideNodeportRange,
  'port-conflict': portConflict,
  'port-mismatch': portMismatch,
  'prefer-loadbalancer': preferLoadbalancer,
  'range-overlap': rangeOverlap,
  'reserved-port-used': reservedPortUsed,
  'unknown-cluster': unknownCluster,
  'unknown-range': unknownRange,
  'unparsable-file': unparsableFile,
  'unregistered-port': unregisteredPort,
  'unreserved-port': unreservedPort,
  'unused-ignore': unusedIgnore,
};

/** The rule ids, sorted. */
export const ruleIds: readonly string[] = Object.keys(rules);
