// The library's public face: the same engine the CLI drives.
export type * from './core/types.ts';
export { InputError, InputErrors, UsageError } from './core/errors.ts';
export { findRegistry, loadRegistry, parseRegistry, REGISTRY_FILE } from './registry/load.ts';
export { registryJsonSchema, RegistrySchema } from './registry/schema.ts';
export { checkRegistry } from './engine/check.ts';
export { checkLive, driftSummary, readLive, snapshotCluster, type DriftCluster, type DriftSummary, type LiveCheckOptions, type LiveCheckResult, type LiveOptions } from './engine/live.ts';
export { registryClaims } from './engine/claims.ts';
export { scanRepo, type ScanOptions } from './sources/gitops-repo/index.ts';
export { rules, ruleIds } from './rules/index.ts';
export { reporters, formats } from './reporters/index.ts';
export { main } from './cli/main.ts';
export { registryYaml } from './registry/write.ts';
export { importPortDocument, loadPortDocument } from './sources/port-doc/index.ts';
export { portDocument } from './reporters/port-document.ts';
export { admissionContext, decideAdmission, isDecision } from './engine/admission.ts';
export { clusterPolicies, webhookDeployment } from './engine/policy.ts';
export { admissionReviewJson } from './reporters/admission-review.ts';
export { startWebhook } from './server/webhook.ts';
