// The dashboard's only way to the registry: fetch against the API, typed by the API's own schemas.
import type { Static } from '@sinclair/typebox';
import type * as S from '../../src/server/schemas.ts';

/** The folded map. */
export type MapSummary = Static<typeof S.MapResponse>;
/** One opened range (or a page of it). */
export type RangeCells = Static<typeof S.RangeCellsResponse>;
/** A service with its ports per cluster. */
export type ServiceView = Static<typeof S.ServiceResponse>;
/** What the search box's words name. */
export type SearchAnswer = Static<typeof S.SearchResponse>;
/** Who holds a port. */
export type Holders = Static<typeof S.WhoResponse>;
/** A range's free ports. */
export type FreePorts = Static<typeof S.FreeResponse>;
/** Each range's use and next free port. */
export type Ranges = Static<typeof S.RangesResponse>;
/** What check finds. */
export type Findings = Static<typeof S.FindingsResponse>;
/** One finding. */
export type Finding = Findings['findings'][number];
/** Lines of a file. */
export type Lines = Static<typeof S.LinesResponse>;
/** A rule's explanation and page. */
export type RuleDoc = Static<typeof S.RuleResponse>;
/** The registry on disk: ok, or broken with its line. */
export type RegistryState = Static<typeof S.RegistryStateEvent>;
/** An allocation's request. */
export type AllocateBody = Static<typeof S.AllocateBody>;
/** A move's request. */
export type MoveBody = Static<typeof S.MoveBody>;
/** A reservation's request. */
export type ReserveBody = Static<typeof S.ReserveBody>;
/** Any change's answer: the fields every change shares, and its own. */
export type ChangeAnswer =
  | Static<typeof S.AllocationResponse>
  | Static<typeof S.MoveResponse>
  | Static<typeof S.ReleaseResponse>
  | Static<typeof S.ReserveResponse>;

/** A refused request: its status and the server's words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      // Not problem+json: the text says it.
    }
    throw new ApiError(response.status, detail);
  }
  return JSON.parse(text) as T;
}

/** Where the tokens are kept: this tab's session storage only, never local storage or a cookie. */
export const TOKEN_KEYS = { read: 'portolan-read-token', write: 'portolan-write-token' } as const;

/** The token reads are sent with, where the server wants one: the read token, else the write token (it may read too). */
function readHeaders(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEYS.read) ?? sessionStorage.getItem(TOKEN_KEYS.write);
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/** GET a read of the API. */
export async function read<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: readHeaders() }));
}

/**
 * Follows a stream of server-sent events with `fetch`, so that it carries the read token as the
 * other reads do (EventSource cannot send a header). Each `event:`/`data:` frame is given to
 * `onEvent`; a refusal (401, 403) is given to `onRefused` and ends it; a lost stream is told to
 * `onLost` and opened again after a pause. Returns what stops it.
 */
export function followEvents(path: string, handlers: { onEvent: (name: string, data: string) => void; onLost: () => void; onRefused: (error: ApiError) => void }): () => void {
  const stop = new AbortController();
  const open = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        const response = await fetch(path, { headers: { ...readHeaders(), accept: 'text/event-stream' }, signal: stop.signal, cache: 'no-store' });
        if (response.status === 401 || response.status === 403) return handlers.onRefused(await answer<never>(response).catch((error: ApiError) => error));
        if (!response.ok || !response.body) throw new ApiError(response.status, 'the event stream was refused');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = 'message';
            const data: string[] = [];
            for (const line of frame.split('\n')) {
              if (line.startsWith('event:')) name = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            }
            if (data.length > 0) handlers.onEvent(name, data.join('\n'));
          }
        }
      } catch {
        if (stop.signal.aborted) return;
      }
      handlers.onLost();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void open();
  return () => stop.abort();
}

/** A write of the API with a bearer token: POST or DELETE, with a JSON body or none. */
export async function write<T>(method: 'POST' | 'DELETE', path: string, token: string, body?: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method,
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

/** A path segment, encoded. */
export const segment = encodeURIComponent;
