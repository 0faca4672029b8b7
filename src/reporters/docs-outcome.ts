import type { DocsOutcome } from '../engine/docs.ts';

/** What `portolan docs` prints for an outcome: the document or a diff on stdout, one line of account on stderr. */
export function docsOutcomeReport(outcome: DocsOutcome, shown: string): { stdout: string; stderr: string } {
  if (outcome.mode === 'print') return { stdout: outcome.text, stderr: '' };
  if (outcome.mode === 'write') {
    const said = { created: 'wrote', updated: 'updated the generated regions of', adopted: 'marked the generated regions of', unchanged: 'nothing to change in' }[outcome.how];
    return { stdout: '', stderr: `${said} ${shown}\n` };
  }
  if (outcome.status === 'missing') return { stdout: '', stderr: `${shown} does not exist; run \`portolan docs --write ${shown}\`\n` };
  if (outcome.status === 'current') return { stdout: '', stderr: `${shown} is up to date\n` };
  return { stdout: outcome.diff ?? '', stderr: `${shown} is stale: run \`portolan docs --write ${shown}\`\n` };
}
