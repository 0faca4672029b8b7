import { useEffect, useState } from 'preact/hooks';
import { ApiError, segment, TOKEN_KEYS, write, type AllocateBody, type ChangeAnswer, type MapSummary, type MoveBody, type ReserveBody } from './api.ts';
import { href } from './route.ts';
import { TokenForm } from './token-form.tsx';

type Form = 'allocate' | 'release' | 'move' | 'reserve';
const FORMS: Form[] = ['allocate', 'release', 'move', 'reserve'];
const TOKEN_KEY = TOKEN_KEYS.write;

/** The write token, asked for once and kept in this tab's session storage only. */
function useToken(): [string | null, (token: string | null) => void] {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  return [
    token,
    (next) => {
      if (next === null) sessionStorage.removeItem(TOKEN_KEY);
      else sessionStorage.setItem(TOKEN_KEY, next);
      setToken(next);
    },
  ];
}

/** The four changes as forms: each previews what would change (the API's dry run, with each file's diff) before it is confirmed. */
export function ChangePage({ summary, params }: { summary: MapSummary; params: Record<string, string> }) {
  const [form, setForm] = useState<Form>(FORMS.includes(params.form as Form) ? (params.form as Form) : 'allocate');
  const [token, setToken] = useToken();
  const [fields, setFields] = useState<Record<string, string>>({ range: params.range ?? '', service: params.service ?? '' });
  const [clusters, setClusters] = useState<string[]>([]);
  const [preview, setPreview] = useState<ChangeAnswer | null>(null);
  const [done, setDone] = useState<ChangeAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The form follows the address (#/change?form=move), so a link or the tabs can open one.
  useEffect(() => {
    if (FORMS.includes(params.form as Form) && params.form !== form) (setForm(params.form as Form), setPreview(null), setDone(null), setError(null));
  }, [params.form]);

  const field = (name: string, label: string, options: { required?: boolean; type?: 'text' | 'number'; hint?: string } = {}) => (
    <label>
      {label}
      <input
        name={name}
        type="text"
        inputMode={options.type === 'number' ? 'numeric' : undefined}
        required={options.required}
        value={fields[name] ?? ''}
        aria-describedby={options.hint ? `${name}-hint` : undefined}
        onInput={(event) => {
          setFields({ ...fields, [name]: (event.target as HTMLInputElement).value });
          setPreview(null);
        }}
      />
      {options.hint ? (
        <span id={`${name}-hint`} class="quiet">
          {options.hint}
        </span>
      ) : null}
    </label>
  );
  const optional = <T,>(value: string | undefined, as: (text: string) => T) => (value !== undefined && value.trim() !== '' ? as(value.trim()) : undefined);
  const request = (dryRun: boolean): { method: 'POST' | 'DELETE'; path: string; body?: unknown } => {
    const reason = optional(fields.reason, String);
    const chosen = clusters.length > 0 ? clusters : undefined;
    const extra = dryRun ? { dryRun: true, preview: true } : {};
    if (form === 'allocate') {
      const body: AllocateBody = { service: fields.service!.trim(), ...(optional(fields.range, String) ? { range: fields.range!.trim() } : {}), ...(chosen ? { clusters: chosen } : {}), ...(optional(fields.port, Number) ? { port: Number(fields.port) } : {}), ...(reason ? { reason } : {}), ...extra };
      return { method: 'POST', path: '/v1/allocations', body };
    }
    if (form === 'move') {
      const body: MoveBody = { ...(optional(fields.to, Number) ? { to: Number(fields.to) } : {}), ...(optional(fields.range, String) ? { range: fields.range!.trim() } : {}), ...(reason ? { reason } : {}), ...extra };
      return { method: 'POST', path: `/v1/services/${segment(fields.service!.trim())}/move`, body };
    }
    if (form === 'reserve') {
      const body: ReserveBody = { ports: (fields.ports ?? '').trim(), reason: reason ?? '', ...(chosen ? { clusters: chosen } : {}), ...extra };
      return { method: 'POST', path: '/v1/reservations', body };
    }
    const query = new URLSearchParams();
    for (const cluster of chosen ?? []) query.append('cluster', cluster);
    if (reason) query.set('reason', reason);
    if (dryRun) (query.set('dryRun', 'true'), query.set('preview', 'true'));
    return { method: 'DELETE', path: `/v1/services/${segment(fields.service!.trim())}${query.size > 0 ? `?${query}` : ''}` };
  };
  const send = async (dryRun: boolean) => {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const { method, path, body } = request(dryRun);
      const answer = await write<ChangeAnswer>(method, path, token, body);
      if (dryRun) setPreview(answer);
      else (setDone(answer), setPreview(null));
    } catch (problem) {
      if (problem instanceof ApiError && (problem.status === 401 || problem.status === 403)) setToken(null);
      setError((problem as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="change" aria-labelledby="change-title">
      <h2 id="change-title">Change the registry</h2>
      {token === null ? <TokenForm scope="write" onToken={setToken} /> : (
        <p class="quiet">
          Write token kept for this tab’s session only. <button type="button" onClick={() => setToken(null)}>forget it</button>
        </p>
      )}
      <div role="tablist" aria-label="Which change" class="tabs">
        {FORMS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={form === name} onClick={() => (location.hash = href('change', undefined, { form: name }))}>
            {name}
          </button>
        ))}
      </div>
      <form
        class="change-form"
        data-form={form}
        aria-label={form}
        onSubmit={(event) => {
          event.preventDefault();
          void send(true);
        }}
      >
        {form !== 'reserve' ? field('service', 'Service', { required: true, hint: form === 'allocate' ? 'a new service name: lower-case letters, digits, dashes' : undefined }) : null}
        {form === 'allocate' || form === 'move' ? (
          <label>
            Range
            <select name="range" value={fields.range ?? ''} onChange={(event) => (setFields({ ...fields, range: (event.target as HTMLSelectElement).value }), setPreview(null))}>
              <option value="">{form === 'move' ? "the service's own" : 'choose a range'}</option>
              {summary.ranges.map((range) => (
                <option key={range.name} value={range.name}>
                  {range.name} ({range.ports})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {form === 'allocate' ? field('port', 'Port (optional: the next free one otherwise)', { type: 'number' }) : null}
        {form === 'move' ? field('to', 'To port (optional: the next free one otherwise)', { type: 'number' }) : null}
        {form === 'reserve' ? field('ports', 'Ports', { required: true, hint: 'a port or a span: 30290 or 30290-30299' }) : null}
        {form !== 'move' ? (
          <fieldset>
            <legend>Clusters {form === 'reserve' ? '(none: every cluster)' : form === 'release' ? '(none: everywhere)' : '(none: every cluster)'}</legend>
            {summary.clusters.slice(0, 200).map((cluster) => (
              <label key={cluster} class="check">
                <input
                  type="checkbox"
                  checked={clusters.includes(cluster)}
                  onChange={(event) => (setClusters((event.target as HTMLInputElement).checked ? [...clusters, cluster] : clusters.filter((c) => c !== cluster)), setPreview(null))}
                />
                {cluster}
              </label>
            ))}
          </fieldset>
        ) : null}
        {field('reason', form === 'reserve' ? 'Reason' : 'Reason (for the commit message)', { required: form === 'reserve' })}
        <div class="actions">
          <button type="submit" disabled={busy || token === null}>
            Preview
          </button>
          <button type="button" class="confirm" disabled={busy || token === null || preview === null} onClick={() => void send(false)}>
            Confirm {form}
          </button>
        </div>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {preview ? <Outcome answer={preview} title="What would change" /> : null}
      {done ? <Outcome answer={done} title="Done" /> : null}
    </section>
  );
}

/** A change's answer: the ports, the files (registry, manifests, document) and each file's diff. */
function Outcome({ answer, title }: { answer: ChangeAnswer; title: string }) {
  const ports = 'ports' in answer && Array.isArray(answer.ports) ? answer.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}`).join(', ') : '';
  return (
    <section class="outcome" aria-label={title} data-dry-run={String(answer.dryRun)}>
      <h3>{title}</h3>
      <p>{[answer.action, 'service' in answer ? answer.service : answer.ports].join(' ') + (ports ? `: ${ports}` : '') + ('clusters' in answer && answer.clusters.length > 0 ? ` in ${answer.clusters.join(', ')}` : '')}</p>
      <ul>
        {answer.files.map((file) => (
          <li key={file}>
            {answer.dryRun ? 'would write' : 'wrote'} {file}
          </li>
        ))}
        {answer.manifestChanges.map((line) => (
          <li key={line}>{line}</li>
        ))}
        {answer.notes.map((note) => (
          <li key={note} class="quiet">
            {note}
          </li>
        ))}
        {answer.commit ? <li>committed {answer.commit.slice(0, 12)}</li> : null}
      </ul>
      {(answer.diffs ?? []).map((diff) => (
        <pre key={diff.file} class="diff" aria-label={`changes to ${diff.file}`}>
          {diff.diff.split('\n').map((line, i) => (
            <code key={i} class={line.startsWith('+') && !line.startsWith('+++') ? 'added' : line.startsWith('-') && !line.startsWith('---') ? 'removed' : ''}>
              {line}
              {'\n'}
            </code>
          ))}
        </pre>
      ))}
    </section>
  );
}
