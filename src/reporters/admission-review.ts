import type { AdmissionDecision, AdmissionProblem } from '../engine/admission.ts';

/** Kubernetes shows at most this many characters of one warning. */
const WARNING_LIMIT = 4096;

/**
 * The AdmissionReview v1 response to a decision, as JSON text: refusals become a 403 status with
 * every message, warnings go to `warnings` (kubectl prints them), a patch is a base64 JSONPatch.
 */
export function admissionReviewJson(decision: AdmissionDecision): string {
  const response: Record<string, unknown> = { uid: decision.uid, allowed: decision.allowed };
  if (!decision.allowed) {
    response.status = { code: 403, reason: 'Forbidden', message: decision.refusals.map((note) => note.message).join('; ') };
  }
  if (decision.warnings.length > 0) response.warnings = decision.warnings.map((note) => note.message.slice(0, WARNING_LIMIT));
  if (decision.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(decision.patch)).toString('base64');
  }
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
}

/** The body of a 400 answer to a request that is not an AdmissionReview v1. */
export function admissionProblemJson(problem: AdmissionProblem): string {
  return JSON.stringify({ code: 400, message: problem.problem });
}
