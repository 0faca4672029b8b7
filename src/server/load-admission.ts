import { Worker } from 'node:worker_threads';
import { InputError } from '../core/errors.ts';
import type { AdmissionContext, AdmissionOptions } from '../engine/admission.ts';

/** Where the registry is and which cluster's plan to lay out. */
export interface AdmissionSource {
  /** The registry file, absolute. */
  file: string;
  /** The folder paths in messages are shown relative to. */
  cwd: string;
  options: AdmissionOptions;
}

/**
 * Reads the registry and lays out the plan in a worker thread: the server's event loop goes on
 * answering meanwhile. Input mistakes come back as one InputError with every message.
 */
export function loadAdmission(source: AdmissionSource): Promise<AdmissionContext> {
  // From the sources (tests, tsx) the worker is the .ts file beside this one; in dist/ it is an
  // entry of its own at the top, above the chunks.
  const here = import.meta.url;
  const entry = here.endsWith('.ts') ? new URL('./admission-worker.ts', here) : new URL(here.includes('/chunks/') ? '../admission-worker.js' : './admission-worker.js', here);
  return new Promise((done, fail) => {
    // Node 20 does not hand a module loader such as tsx to worker threads; register it first there.
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, workerData: source })
      : new Worker(entry, { workerData: source });
    worker.once('message', (message: { context?: AdmissionContext; problems?: string[] }) => {
      if (message.context) done(message.context);
      else fail(new InputError(message.problems!.join('\n')));
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (code !== 0) fail(new Error(`the registry reader stopped with exit code ${code}`));
    });
  });
}
