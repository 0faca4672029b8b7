import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { InputError, UsageError } from '../core/errors.ts';
import { readTextFile } from '../registry/read-file.ts';
import { writeFileAtomic } from './registry.ts';

/** What a token may do: read answers, or also change the registry. */
export type TokenScope = 'read' | 'write';

/** The scopes, in the order `--scope` lists them. */
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'write'];

/** One token as its file keeps it: the name, the scope and the SHA-256 of the secret, never the secret. */
export interface StoredToken {
  name: string;
  scope: TokenScope;
  sha256: string;
  created: string;
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The tokens a file holds; none when it does not exist. */
export function readTokens(file: string, shown = file): StoredToken[] {
  if (!existsSync(file)) return [];
  const text = readTextFile(file, shown);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${shown}: is not a tokens file (${(error as Error).message})`, undefined, 'it is written by `portolan token add`; remove it and add the tokens again', { cause: error });
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens) || !tokens.every(isStoredToken)) {
    throw new InputError(`${shown}: is not a tokens file: it needs {"tokens": [{"name", "scope", "sha256", "created"}]}`, undefined, 'it is written by `portolan token add`');
  }
  return tokens;
}

function isStoredToken(value: unknown): value is StoredToken {
  const token = value as StoredToken;
  return typeof token === 'object' && token !== null && typeof token.name === 'string' && TOKEN_SCOPES.includes(token.scope) && typeof token.sha256 === 'string' && /^[0-9a-f]{64}$/.test(token.sha256) && typeof token.created === 'string';
}

/** `token add`: a new random token (256 bits), stored hashed; the secret is returned once and kept nowhere. */
export function addToken(file: string, request: { name: string; scope: TokenScope; now?: Date; shown?: string }): { token: string; stored: StoredToken } {
  const shown = request.shown ?? file;
  if (!NAME.test(request.name)) throw new UsageError(`"${request.name}" is not a valid token name; use lower-case letters, digits and dashes, at most 63`);
  const tokens = readTokens(file, shown);
  if (tokens.some((t) => t.name === request.name)) throw new UsageError(`${shown} already has a token named ${request.name}; choose another name`);
  const token = `ptl_${randomBytes(32).toString('base64url')}`;
  const stored: StoredToken = { name: request.name, scope: request.scope, sha256: sha256(token), created: (request.now ?? new Date()).toISOString() };
  writeFileAtomic(file, `${JSON.stringify({ tokens: [...tokens, stored] }, null, 2)}\n`, shown);
  return { token, stored };
}

/** The stored token a presented secret matches, compared in constant time against every one. */
export function matchToken(tokens: readonly StoredToken[], presented: string): StoredToken | undefined {
  const digest = Buffer.from(sha256(presented), 'hex');
  let found: StoredToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(digest, Buffer.from(token.sha256, 'hex')) && found === undefined) found = token;
  }
  return found;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
