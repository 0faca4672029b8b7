import type { Reporter } from './reporter.ts';
import { escapeControls } from '../core/escape.ts';

/** A Markdown table of findings, for a pull-request comment or a job summary. */
export const markdown: Reporter = (result) => {
  const { findings, summary, suppressed } = result;
  const lines = ['## Portolan check', ''];
  const accepted = suppressed.length > 0 ? ` ${suppressed.length} accepted on purpose (\`portolan check --show-suppressed\` lists them).` : '';
  if (findings.length === 0) return escapeControls(`${lines.join('\n')}No problems in ${result.files.map(code).join(', ')}.${accepted}\n`);
  lines.push(`${findings.length} problem${findings.length === 1 ? '' : 's'}: ${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.infos} info.${accepted}`, '');
  lines.push('| Severity | Rule | Cluster | Port | Message | Where |', '|---|---|---|---|---|---|');
  for (const f of findings) {
    const where = f.locations.map((l) => (l.line === 0 ? escape(l.file) : `${l.file}:${l.line}:${l.column}`)).join('<br>');
    lines.push(`| ${f.severity} | ${code(f.ruleId)} | ${escape(f.cluster ?? 'all')} | ${f.port ?? ''} | ${escape(f.message)} | ${where} |`);
  }
  return escapeControls(`${lines.join('\n')}\n`);
};

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}
