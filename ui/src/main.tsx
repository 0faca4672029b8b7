import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, followEvents, read, TOKEN_KEYS, type Findings, type MapSummary, type RegistryState } from './api.ts';
import { ChangePage } from './change.tsx';
import { FindingsView } from './findings.tsx';
import { PortMap } from './map.tsx';
import { href, placeOf, type Place } from './route.ts';
import { SearchResults } from './search.tsx';
import { TokenForm } from './token-form.tsx';
import { ServicePage } from './service.tsx';

/**
 * The registry's state as the server streams it: on every change of the file, and when it breaks
 * or mends; whether the stream is lost (it is opened again by itself); and whether the server
 * wants a token for reads. `tokens` counts the tokens given, to open the stream again with one.
 */
function useRegistryState(tokens: number): [RegistryState | null, boolean, ApiError | null] {
  const [state, setState] = useState<RegistryState | null>(null);
  const [lost, setLost] = useState(false);
  const [refused, setRefused] = useState<ApiError | null>(null);
  useEffect(() => {
    setRefused(null);
    return followEvents('/v1/events', {
      onEvent: (name, data) => {
        if (name !== 'registry') return;
        setState(JSON.parse(data) as RegistryState);
        setLost(false);
      },
      onLost: () => setLost(true),
      onRefused: setRefused,
    });
  }, [tokens]);
  return [state, lost, refused];
}

function usePlace(): Place {
  const [place, setPlace] = useState(() => placeOf(location.hash));
  useEffect(() => {
    const follow = () => setPlace(placeOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return place;
}

function App() {
  const place = usePlace();
  const [tokens, setTokens] = useState(0);
  const [state, lost, refused] = useRegistryState(tokens);
  const version = state?.etag ?? '';
  const [summary, setSummary] = useState<MapSummary | null>(null);
  const [findings, setFindings] = useState<Findings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [words, setWords] = useState(place.view === 'search' ? (place.subject ?? '') : '');
  // Read again whenever the served registry's version changes; a broken file keeps the last good one.
  useEffect(() => {
    if (state === null) return;
    read<MapSummary>('/v1/map').then((answer) => (setSummary(answer), setError(null)), (problem: Error) => setError(problem.message));
    read<Findings>('/v1/findings').then(setFindings, (problem: Error) => setError(problem.message));
  }, [version, state === null]);
  const broken = state?.state === 'broken';
  const focus = place.view === 'map' && place.subject && place.params.cluster && place.params.port ? { range: place.subject, cluster: place.params.cluster, port: Number(place.params.port) } : null;
  const nav = (view: Place['view'], label: string) => (
    <a href={href(view)} aria-current={place.view === view ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <h1>Portolan</h1>
        <nav aria-label="Views">
          {nav('map', 'Map')}
          {nav('findings', `Findings${findings ? ` (${findings.findings.length})` : ''}`)}
          {nav('change', 'Change')}
        </nav>
        <form
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            if (words.trim() !== '') location.hash = href('search', words.trim());
          }}
        >
          <label for="search-words" class="sr-only">
            Search
          </label>
          <input id="search-words" type="search" placeholder="30081, next free in ai-agents, a service" value={words} onInput={(event) => setWords((event.target as HTMLInputElement).value)} />
          <button type="submit">Search</button>
        </form>
      </header>
      {refused ? (
        <TokenForm
          scope="read"
          id="read-token"
          onToken={(token) => {
            sessionStorage.setItem(TOKEN_KEYS.read, token);
            setTokens(tokens + 1);
          }}
        >
          <p role="alert">
            <strong>This server's reads need a token</strong> ({refused.message}).
          </p>
        </TokenForm>
      ) : null}
      {broken && state.error ? (
        <div class="banner" role="alert" id="broken-banner">
          <strong>The registry on disk is broken:</strong>{' '}
          <span class="where">{state.error.file !== null ? `${state.error.file}:${state.error.line}:${state.error.column}: ` : ''}</span>
          {state.error.message}
          {state.error.hint ? <span class="hint"> ({state.error.hint})</span> : null}. What you see is the last registry that parsed, not the file as it is now.
        </div>
      ) : null}
      {lost && !refused ? (
        <div class="banner" role="alert" id="lost-banner">
          <strong>The server does not answer.</strong> What you see is what it last sent; the page tries again by itself.
        </div>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <main>
        {!summary && !refused ? <p class="quiet">Reading the registry…</p> : null}
        {summary && place.view === 'map' ? <PortMap summary={summary} version={version} focus={focus} findings={findings?.findings ?? []} stale={broken} /> : null}
        {summary && place.view === 'findings' ? findings ? <FindingsView findings={findings.findings} summary={summary} params={place.params} stale={broken} /> : <p class="quiet">Checking the registry…</p> : null}
        {place.view === 'service' && place.subject ? <ServicePage name={place.subject} version={version} /> : null}
        {place.view === 'search' && place.subject ? <SearchResults words={place.subject} version={version} /> : null}
        {summary && place.view === 'change' ? <ChangePage summary={summary} params={place.params} /> : null}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
