import type { DocsSettings } from './docs.ts';

/** How much a finding matters; `off` only appears in configuration. */
export type Severity = 'error' | 'warning' | 'info';

/** The severities, most serious first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** A Kubernetes port protocol. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** The protocols Kubernetes accepts on a Service port. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** How a Service is reached from outside its cluster. */
export type Exposure = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Where a service stands in its life. */
export type ServiceStatus = 'active' | 'legacy' | 'reserved';

/** A place in a file; line and column count from 1. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** An inclusive span of port numbers, `from` <= `to`. */
export interface PortSpan {
  from: number;
  to: number;
}

/** A named purpose with the ports reserved for it. */
export interface Range {
  name: string;
  spans: PortSpan[];
  description?: string;
  at: Location;
}

/** A Kubernetes cluster the registry plans ports for. */
export interface Cluster {
  name: string;
  /** The name people use, such as `Forge`. */
  title?: string;
  production: boolean;
  nodePortRange: PortSpan;
  /** Where the NodePort range is written, or the cluster itself when it is the default. */
  nodePortRangeAt: Location;
  notes?: string;
  /** How other clusters reach a service here: a URL with `{service}`, `{namespace}` and `{port}`. */
  crossClusterUrl?: string;
  /** The machine the cluster runs on; kind clusters on one host share its host ports. */
  host?: string;
  /** The kind Cluster config that creates this cluster, relative to the registry's folder. */
  kindConfig?: string;
  /** Where the GitOps repository keeps this cluster's manifests: folders or globs, relative to the repo. */
  paths?: string[];
  /** The planned host port offset of the cluster's kind mappings (hostPort = containerPort + offset). */
  hostPortOffset?: number;
  /** The API server URL Argo CD destinations name the cluster by. */
  server?: string;
  /** The kubeconfig context that reaches the cluster, for live checks. */
  context?: string;
  at: Location;
}

/** One port of a service, with the clusters where it differs. */
export interface ServicePort {
  /** The port's name when the service has several (`api`, `health`). */
  name?: string;
  port: number;
  /** The Service's own port (what in-cluster and mesh clients use), where it differs from the node port. */
  servicePort?: number | undefined;
  protocol: Protocol;
  overrides: PortOverride[];
  /** What the port is for, such as `Health checks`. */
  notes?: string;
  at: Location;
}

/** A port number used in one cluster instead of the service's usual one. */
export interface PortOverride {
  cluster: string;
  port: number;
  at: Location;
}

/** A service entry of the registry. */
export interface Service {
  name: string;
  title?: string;
  /** The Kubernetes Service object's name, when it differs from the entry's name. */
  kubernetesName?: string;
  range?: string;
  rangeAt?: Location;
  namespace?: string;
  exposure: Exposure;
  /** The clusters named by the entry; `all` expands to every cluster of the registry. */
  clusters: string[];
  clustersAt: Location;
  /** Where each named cluster is written, in the order of `clusters`. */
  clusterAt: Location[];
  /** True when the entry said `all` or named no clusters. */
  allClusters: boolean;
  status: ServiceStatus;
  replacedBy?: string;
  owner?: string;
  notes?: string;
  ports: ServicePort[];
  at: Location;
}

/** Ports that nobody may be given. */
export interface Reservation {
  spans: PortSpan[];
  reason: string;
  /** The clusters the reservation holds in; empty means every cluster. */
  clusters: string[];
  at: Location;
}

/** A rule's configured severity, or `off`. */
export type RuleSetting = Severity | 'off';

/** A rule's severity override, with where it was written. */
export interface RuleOverride {
  setting: RuleSetting;
  at: Location;
}

/**
 * A finding accepted on purpose, with the reason: a service's own `ignore:` entry, a top-level
 * one (by rule, cluster, port or file glob), or a Kubernetes object's `portolan.dev/ignore`.
 */
export interface Ignore {
  /** The rule whose findings it accepts; any rule when absent. */
  rule?: string;
  /** For a service's own entry: the service whose findings it accepts. */
  service?: string;
  /** The clusters it holds in; every cluster when empty. */
  clusters: string[];
  /** The ports it holds for; every port when empty. */
  ports: PortSpan[];
  /** Globs of the files a finding must be in, relative to the registry's folder; any file when empty. */
  files: string[];
  /** For an annotation: the object it is written on, and the lines that object spans in its file. */
  object?: { ref: ObjectRef; file: string; fromLine: number; toLine: number };
  reason: string;
  at: Location;
}

/** How a finding was accepted: the ignore that matched it. */
export interface Suppression {
  /** `registry` for an ignore in portolan.yaml, `annotation` for one on a Kubernetes object. */
  kind: 'registry' | 'annotation';
  reason: string;
  at: Location;
}

/** The port registry, as read from portolan.yaml. */
export interface Registry {
  file: string;
  version: 1;
  ranges: Range[];
  clusters: Cluster[];
  services: Service[];
  reserved: Reservation[];
  rules: Map<string, RuleOverride>;
  /** Findings accepted on purpose: top-level and per-service `ignore:` entries, in file order. */
  ignores: Ignore[];
  /** The registry's own allocation rules, in the words of its authors. */
  notes: string[];
  /** The Markdown port document generated from the registry, if it names one. */
  docs?: string;
  /** The document's title, the team's prose and the free ports it listed, when `docs:` says more than a path. */
  docsSettings?: DocsSettings;
  /** Where `docs:` is written, for messages about that path. */
  docsAt?: Location;
  /** Globs a repository scan leaves out, when the registry names them (`scan.exclude`). */
  scanExclude?: string[];
  /** What the service mesh (Linkerd multicluster) links and exports, when the registry says. */
  mesh?: Mesh;
  at: Location;
}

/** How a target cluster exports a Service to the clusters linked to it: through its gateway, or by remote discovery. */
export type MeshExportMode = 'gateway' | 'remote-discovery';

/** One service exported from one cluster (its Service labelled `mirror.linkerd.io/exported`). */
export interface MeshExport {
  service: string;
  cluster: string;
  mode: MeshExportMode;
  at: Location;
}

/** A source cluster linked to a target cluster (a Linkerd `Link` in the source): it mirrors the target's exports. */
export interface MeshLink {
  from: string;
  to: string;
  at: Location;
}

/** An address the team uses to reach another cluster's service, written in the registry. */
export interface MeshAddress {
  url: string;
  /** The clusters it is used from; every cluster but the target when empty. */
  from: string[];
  at: Location;
}

/** The registry's `mesh:` section. */
export interface Mesh {
  /** The team's host name for a mirrored service: `{service}`, `{namespace}` and `{cluster}` are filled in. */
  address?: string;
  /** The registry service that is the multicluster gateway (its ports, 4143 and 4191 inside, are planned like any). */
  gateway?: string;
  links: MeshLink[];
  exports: MeshExport[];
  addresses: MeshAddress[];
  at: Location;
}

/**
 * What kind of port a claim holds. NodePorts are one pool per cluster whatever the protocol;
 * host ports are per host and per protocol; service ports live on the Service's own IP.
 */
export type ClaimKind = 'nodePort' | 'hostPort' | 'servicePort';

/** One port held by one party in one cluster. */
export interface PortClaim {
  cluster: string;
  port: number;
  protocol: Protocol;
  kind: ClaimKind;
  /** The service (or, for a source, the object) that holds the port. */
  service: string;
  /** The port's name within the service, if it has one. */
  portName?: string;
  range?: string;
  status: ServiceStatus;
  at: Location;
  /** Where the claim was read; absent means the registry. */
  source?: ClaimSource;
  /** The Kubernetes object that holds the port, for claims read from a repository. */
  object?: ObjectRef;
  /** For a host port: the machine it binds on. */
  host?: string;
  /** For a kind mapping: the address it listens on (0.0.0.0 when not written). */
  listenAddress?: string;
  /** For a kind mapping: the node port (or node host port) it forwards to. */
  containerPort?: number;
  /** For a node port: the Service port it fronts. */
  servicePort?: number;
  /** For a node port read from a live cluster: whether a manifest wrote it or Kubernetes chose it; absent when the cluster does not say. */
  nodePortOrigin?: 'written' | 'automatic';
  /** For a live claim: the Helm release that manages its object (the `meta.helm.sh/release-name` annotation). */
  helmRelease?: string;
}

/** The address a host port binds when none is written: every IPv4 address of the host. */
export const WILDCARD_ADDRESS = '0.0.0.0';

/** Where a claim came from. */
export type ClaimSource = 'registry' | 'manifest' | 'helm-values' | 'kind-config' | 'live';

/** A Kubernetes object by kind, namespace and name. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** One port of a Service object as a manifest writes it. */
export interface ObservedServicePort {
  name?: string;
  port?: number;
  /** The nodePort as written: a number, or text such as a placeholder. */
  nodePort?: number | string;
  protocol: Protocol;
  at: Location;
  nodePortAt?: Location;
}

/** A Service object deployed to a cluster, as read from the repository. */
export interface ObservedService {
  cluster: string;
  object: ObjectRef;
  /** spec.type; ClusterIP when not written. */
  type: string;
  ports: ObservedServicePort[];
  /** Where a `nodePort` was written directly under `spec`, where Kubernetes ignores it. */
  strayNodePortAt?: Location;
  /** spec.allocateLoadBalancerNodePorts as written or read; Kubernetes defaults it to true. */
  allocateLoadBalancerNodePorts?: boolean;
  /** The `mirror.linkerd.io/exported` label's value (`true`, `remote-discovery`), and where it is written. */
  meshExport?: { value: string; at: Location };
  at: Location;
}

/** A Linkerd `Link` deployed in a cluster: that cluster mirrors the target's exported Services. */
export interface ObservedLink {
  cluster: string;
  target: string;
  at: Location;
  /** `spec.gatewayPort`: where the source cluster sends mirrored traffic (the target gateway's node port in a homelab). */
  gatewayPort?: { port: number; at: Location };
  /** `spec.probeSpec.port`: where it probes the target gateway. */
  probePort?: { port: number; at: Location };
}

/** A `HOST:PORT` or `http(s)://HOST:PORT/...` found in a deployed object (env, ConfigMap, Helm values). */
export interface ObservedAddress {
  cluster: string;
  /** The address as written. */
  text: string;
  host: string;
  port?: number;
  object: ObjectRef;
  at: Location;
}

/** Why a live cluster could not be read. */
export type ClusterFailureReason = 'no-context' | 'unreachable' | 'unauthorized' | 'forbidden' | 'timeout' | 'failed';

/** A cluster that could not be read: no context, no answer, a refusal, or a timeout. */
export interface ClusterFailure {
  cluster: string;
  /** The kubeconfig context it was read through. */
  context: string;
  reason: ClusterFailureReason;
  /** What went wrong, in the API server's words where it gave any. */
  message: string;
}

/** How one live cluster was read. */
export interface ClusterRead {
  cluster: string;
  context: string;
  /** The API server's URL, or the snapshot file the cluster was read from. */
  server: string;
  /** How many objects of each resource were read (`services`, `pods`, `deployments.apps`, ...). */
  counts: Record<string, number>;
  /** How many list requests it took, continue pages included. */
  requests: number;
}

/** What the live clusters run (read from their API servers or from snapshots), and which could not be read. */
export interface LiveObservation extends DeployedPorts {
  /** Where it was read from, as shown to people: `live clusters` or the snapshot files. */
  root: string;
  reads: ClusterRead[];
  failures: ClusterFailure[];
}

/** A file that could not be read or parsed. */
export interface FileProblem {
  message: string;
  at: Location;
}

/** A value that looked like a port but was skipped (a template or a placeholder). */
export interface SkippedValue {
  reason: string;
  text: string;
  at: Location;
}

/** A folder or file a repository scan left out. */
export interface ExcludedPath {
  path: string;
  glob: string;
  /** How many YAML files it holds. */
  files: number;
}

/** What a repository deploys or a live cluster runs, as the drift rules compare it with the registry. */
export interface DeployedPorts {
  /** The clusters read: those the repository deploys to, or the live clusters that answered. */
  clusters: string[];
  /** Port claims in a cluster. */
  claims: PortClaim[];
  /** Every Service object in a cluster, with or without node ports. */
  services: ObservedService[];
  /** Names of every object that may stand for a registry service (Services, Helm releases), by cluster. */
  deployedNames: Map<string, Set<string>>;
}

/** What a repository scan found: the claims per cluster and what it could not read. */
export interface RepoObservation extends DeployedPorts {
  /** The folder scanned, as shown to people. */
  root: string;
  /** The clusters the repository deploys to (their manifests were found). */
  clusters: string[];
  /** Where each cluster's manifests start, relative to the repository (folders, files). */
  clusterRoots: Map<string, string[]>;
  /** How each cluster was found: `Flux root clusters/forge/flux-system/gotk-sync.yaml`, `registry paths`, `Argo CD destination name forge`. */
  clusterOrigins: Map<string, string[]>;
  /** The API server URL of each cluster, where the registry or an Argo CD cluster Secret gives one. */
  clusterServers: Map<string, string>;
  /** What the scan left out (test, example and archive folders, `scan.exclude`), and by which glob. */
  excluded: ExcludedPath[];
  /** The clusters with a kind config, and that config's file. */
  kindConfigs: Map<string, string>;
  /** Kind configs that could not be parsed (listed as problems), by the cluster they seem to create. */
  unreadKindConfigs: Map<string, string>;
  /** Claims in files that nothing deploys. */
  undeployed: PortClaim[];
  problems: FileProblem[];
  skipped: SkippedValue[];
  /** The `portolan.dev/ignore` annotations of deployed objects. */
  ignores?: Ignore[];
  /** The mesh as deployed: Linkerd Links, and the addresses objects use; absent when none were read. */
  mesh?: { links: ObservedLink[]; addresses: ObservedAddress[] };
  /** How many YAML files were seen, and how many were parsed. */
  filesSeen: number;
  filesParsed: number;
  /** Documents of parsed files that the byte filter left out, their bytes naming nothing the scan reads (a file js-yaml reads is read whole). */
  documentsSkipped: number;
}

/** What a rule reports: which of its messages, the message's data, and the parties involved. */
export interface Report {
  messageId: string;
  data: Record<string, string | number>;
  cluster?: string;
  /** Every cluster the finding concerns, when it concerns several at once. */
  clusters?: string[];
  range?: string;
  service?: string;
  port?: number;
  protocol?: Protocol;
  /** Every party involved, the main one first. */
  locations: Location[];
}

/** A problem found by a rule, labelled by the engine with the rule's id, severity and message. */
export interface Finding extends Report {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Set when an ignore accepted the finding. */
  suppression?: Suppression;
}

/** A mistake that stopped the input from being read, such as an unknown key in the registry. */
export interface InputProblem {
  message: string;
  /** What would be right. */
  hint?: string;
  at?: Location;
}

/** What the engine returns: the findings and their counts. */
export interface CheckResult {
  findings: Finding[];
  /** Findings an ignore accepted, each with its suppression; left out of the counts. */
  suppressed: Finding[];
  summary: Summary;
  /** The files that were read. */
  files: string[];
  /** Present when the input could not be read at all; there are no findings then. */
  errors?: InputProblem[];
}

/** Counts of findings by severity. */
export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
}

/** A port's human-readable name: `service` or `service/port-name`. */
export function claimLabel(claim: { service: string; portName?: string }): string {
  return claim.portName ? `${claim.service}/${claim.portName}` : claim.service;
}
