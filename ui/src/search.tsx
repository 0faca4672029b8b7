import { useEffect, useState } from 'preact/hooks';
import { read, segment, type FreePorts, type Holders, type Ranges, type SearchAnswer } from './api.ts';
import { href } from './route.ts';

/** The answer to the search box: who holds a port, a range's next free port, or the services named. */
export function SearchResults({ words, version }: { words: string; version: string }) {
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [holders, setHolders] = useState<Holders | null>(null);
  const [free, setFree] = useState<{ free: FreePorts; next: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setHolders(null);
    setFree(null);
    setError(null);
    (async () => {
      const found = await read<SearchAnswer>(`/v1/search?q=${segment(words)}`);
      if (!current) return;
      setAnswer(found);
      if (found.port !== null) setHolders(await read<Holders>(`/v1/who/${found.port}`));
      if (found.range !== null) {
        const [ports, ranges] = await Promise.all([read<FreePorts>(`/v1/free/${segment(found.range)}`), read<Ranges>('/v1/ranges')]);
        if (current) setFree({ free: ports, next: ranges.ranges.find((r) => r.name === found.range)?.next ?? null });
      }
    })().catch((problem: Error) => current && setError(problem.message));
    return () => {
      current = false;
    };
  }, [words, version]);
  return (
    <section id="search" aria-labelledby="search-title" aria-live="polite">
      <h2 id="search-title">Search: {words}</h2>
      {error ? <p class="error">{error}</p> : null}
      {holders ? (
        <div class="who">
          <h3>Who holds {holders.port}</h3>
          <p>
            {holders.ranges.length > 0 ? `In range ${holders.ranges.join(', ')}.` : 'In no range.'}
            {holders.reserved.length > 0 ? ` Reserved: ${holders.reserved.join('; ')}.` : ''}
          </p>
          <ul>
            {Object.entries(holders.clusters).map(([cluster, claims]) => (
              <li key={cluster}>
                <strong>{cluster}</strong>:{' '}
                {claims.length === 0
                  ? 'free'
                  : claims.map((c, i) => (
                      <span key={c.service}>
                        {i > 0 ? ', ' : ''}
                        <a href={href('service', c.service)}>{c.service}</a>
                        {c.portName ? `/${c.portName}` : ''} ({c.location.file}:{c.location.line})
                      </span>
                    ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {free && answer?.range ? (
        <div class="free">
          <h3>Next free in {answer.range}</h3>
          <p>
            {free.next !== null ? (
              <>
                <strong class="next-free">{free.next}</strong> is free in every cluster; {free.free.count} of {free.free.size} ports free: {free.free.free.join(', ')}
              </>
            ) : (
              'No port of the range is free in every cluster.'
            )}
          </p>
          <p>
            <a href={href('map', answer.range)}>{answer.range} on the map</a> · <a href={href('change', undefined, { form: 'allocate', range: answer.range })}>allocate from it</a>
          </p>
        </div>
      ) : null}
      {answer && answer.services.length > 0 ? (
        <div>
          <h3>Services</h3>
          <ul>
            {answer.services.map((name) => (
              <li key={name}>
                <a href={href('service', name)}>{name}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {answer && answer.port === null && answer.range === null && answer.services.length === 0 ? <p>Nothing in the registry matches “{answer.query}”. Try a port (30081), “next free in RANGE”, or part of a service’s name.</p> : null}
    </section>
  );
}
