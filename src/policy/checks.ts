/** What the admission checks are: each one a validation of the generated policy and a check of the webhook. */
export interface AdmissionCheck {
  /** Refused in deny mode (a warning in warn mode); advice is always a warning. */
  effect: 'refuse' | 'advise';
  /** What the check holds to, for docs and `--help`. */
  description: string;
}

/** Every admission check by id, in the order the policy lists them. */
export const ADMISSION_CHECKS = {
  'planned-node-port': {
    effect: 'refuse',
    description: "A planned Service's node ports are the ones the registry gives it in this cluster.",
  },
  'node-port-held': {
    effect: 'refuse',
    description: 'A Service the registry does not plan takes no node port that the plan gives to another service.',
  },
  'open-node-port': {
    effect: 'refuse',
    description: 'A node port no planned Service holds lies in a span the plan leaves open (outside every range and reservation).',
  },
  'planned-host-port': {
    effect: 'refuse',
    description: 'Pods and workload templates bind only host ports the registry gives out in this cluster.',
  },
  'omitted-node-port': {
    effect: 'advise',
    description: "A NodePort or LoadBalancer Service that leaves nodePort out, in a cluster whose dynamic band holds planned ranges, may be given a planned port.",
  },
  'production-node-port': {
    effect: 'advise',
    description: 'A production cluster exposes Services through LoadBalancers, not NodePorts (prefer-loadbalancer).',
  },
} as const satisfies Record<string, AdmissionCheck>;

/** The id of an admission check. */
export type AdmissionCheckId = keyof typeof ADMISSION_CHECKS;

/** The admission checks' ids, in policy order. */
export const ADMISSION_CHECK_IDS = Object.keys(ADMISSION_CHECKS) as AdmissionCheckId[];
