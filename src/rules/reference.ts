import { rules } from './index.ts';

/** The rules' reference page, docs/rules/README.md, made from their metadata. */
export function rulesReference(): string {
  const lines = [
    '# Rules',
    '',
    '<!-- Generated from the rules\' metadata by `npm run docs:rules`; do not edit by hand. -->',
    '',
    'Set a rule\'s severity, or turn it off, under `rules:` in portolan.yaml: `rules: { prefer-loadbalancer: off }`.',
    '',
    '| Rule | Default | What it finds | How to fix it |',
    '|---|---|---|---|',
  ];
  for (const [id, { meta }] of Object.entries(rules)) {
    lines.push(`| [${id}](${id}.md) | ${meta.defaultSeverity} | ${meta.description} | ${meta.remediation.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
