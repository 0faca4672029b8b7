import type { Rule } from './rule.ts';
import crossClusterInconsistency from './cross-cluster-inconsistency.ts';
import duplicateService from './duplicate-service.ts';
import dynamicBand from './dynamic-band.ts';
import outOfRange from './out-of-range.ts';
import outsideNodeportRange from './outside-nodeport-range.ts';
import portConflict from './port-conflict.ts';
import preferLoadbalancer from './prefer-loadbalancer.ts';
import rangeOverlap from './range-overlap.ts';
import reservedPortUsed from './reserved-port-used.ts';
import unknownCluster from './unknown-cluster.ts';
import unknownRange from './unknown-range.ts';
import unreservedPort from './unreserved-port.ts';

/** Every rule by id, sorted; the id is also the rule's file name, doc page and fixture folder. */
export const rules: Readonly<Record<string, Rule>> = {
  'cross-cluster-inconsistency': crossClusterInconsistency,
  'duplicate-service': duplicateService,
  'dynamic-band': dynamicBand,
  'out-of-range': outOfRange,
  'outside-nodeport-range': outsideNodeportRange,
  'port-conflict': portConflict,
  'prefer-loadbalancer': preferLoadbalancer,
  'range-overlap': rangeOverlap,
  'reserved-port-used': reservedPortUsed,
  'unknown-cluster': unknownCluster,
  'unknown-range': unknownRange,
  'unreserved-port': unreservedPort,
};

/** The rule ids, sorted. */
export const ruleIds: readonly string[] = Object.keys(rules);
