// Reads the registry and lays out one cluster's plan off the main thread, so the webhook keeps
// answering while a large registry is read (100,000 allocations take seconds), and the garbage of
// reading it never lands in the server's heap. Posts the plain-data context, or the input errors.
import { parentPort, workerData } from 'node:worker_threads';
import { formatInputError, inputErrorsOf } from '../core/errors.ts';
import { admissionContext, type AdmissionOptions } from '../engine/admission.ts';
import { readRegistry } from '../engine/registry.ts';

const { file, cwd, options } = workerData as { file: string; cwd: string; options: AdmissionOptions };
try {
  parentPort!.postMessage({ context: admissionContext(readRegistry(file, cwd), options) });
} catch (error) {
  const problems = inputErrorsOf(error);
  if (problems.length === 0) throw error;
  parentPort!.postMessage({ problems: problems.map(formatInputError) });
}
