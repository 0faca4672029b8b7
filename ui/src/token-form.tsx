import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/**
 * Asks for a token once (`portolan token add NAME --scope SCOPE`); the caller keeps it in the
 * tab's session storage, never in local storage or a cookie. `children` say why it is asked.
 */
export function TokenForm({ scope, onToken, id, children }: { scope: 'read' | 'write'; onToken: (token: string) => void; id?: string; children?: ComponentChildren }) {
  const [value, setValue] = useState('');
  const title = scope === 'read' ? 'Read token' : 'Write token';
  return (
    <form
      class={`token-form${children ? ' banner' : ''}`}
      aria-label={title}
      {...(id ? { id } : {})}
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() !== '') onToken(value.trim());
      }}
    >
      {children}
      <label>
        {title} <span class="quiet">(from <code>portolan token add NAME --scope {scope}</code>; kept for this tab’s session only)</span>
        <input name="token" type="password" autocomplete="off" value={value} onInput={(event) => setValue((event.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Use this token</button>
    </form>
  );
}
