import { useEffect, useState } from 'preact/hooks';
import { read, type Lines, type RuleDoc } from './api.ts';

/** A `file:line` that opens the lines around it. */
export function LineLink({ at }: { at: string }) {
  const [open, setOpen] = useState(false);
  const split = at.lastIndexOf(':');
  const file = at.slice(0, split);
  const line = Number(at.slice(split + 1));
  return (
    <span class="line-link">
      <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {at}
      </button>
      {open ? <SourceLines file={file} line={line} /> : null}
    </span>
  );
}

/** The lines around one line of a file, that line marked. */
export function SourceLines({ file, line }: { file: string; line: number }) {
  const [lines, setLines] = useState<Lines | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    read<Lines>(`/v1/lines?${new URLSearchParams({ file, line: String(line) })}`).then(setLines, (problem: Error) => setError(problem.message));
  }, [file, line]);
  if (error) return <p class="error">{error}</p>;
  if (!lines) return null;
  return (
    <pre class="source" aria-label={`${file} around line ${line}`}>
      {lines.lines.map((l) => (
        <code key={l.line} class={l.line === line ? 'here' : ''} data-line={l.line}>
          <span class="number">{String(l.line).padStart(4)} </span>
          {l.text}
          {'\n'}
        </code>
      ))}
    </pre>
  );
}

/** A rule's explanation and its reference page, fetched when opened. */
export function RulePage({ id, onClose }: { id: string; onClose: () => void }) {
  const [rule, setRule] = useState<RuleDoc | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    read<RuleDoc>(`/v1/rules/${encodeURIComponent(id)}`).then(setRule, (problem: Error) => setError(problem.message));
  }, [id]);
  return (
    <aside class="rule-page" aria-labelledby="rule-title">
      <h3 id="rule-title">
        {id} <button type="button" onClick={onClose}>close</button>
      </h3>
      {error ? <p class="error">{error}</p> : null}
      {rule ? (
        <>
          <p>{rule.description}</p>
          <p>
            <strong>Fix:</strong> {rule.remediation}
          </p>
          {rule.page ? <pre class="doc">{rule.page}</pre> : <p class="quiet">{rule.docs}</p>}
        </>
      ) : null}
    </aside>
  );
}
