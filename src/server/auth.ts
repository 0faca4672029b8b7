import { statSync } from 'node:fs';
import { matchToken, readTokens, type StoredToken } from '../engine/tokens.ts';
import { problem, type Problem } from './problem.ts';

/** Who may do what: the tokens file, and whether reads are open. */
export interface AccessPolicy {
  /** The tokens file (`--tokens`); without one, the server takes no writes. */
  tokensFile?: string;
  /** Reads need no token: the server listens on loopback only, or `--public-reads` said so. */
  openReads: boolean;
}

/** The token a request carries, or the problem that refuses it. */
export type Access = { token?: StoredToken } | { refused: Problem; challenge?: boolean };

/** Decides each request's access from its Authorization header; re-reads the tokens file when it changes. */
export class Gate {
  private tokens: StoredToken[] = [];
  private stamp = '';

  constructor(private readonly policy: AccessPolicy) {
    this.refresh();
  }

  /** Whether any write token exists, for /readyz and the refusal's words. */
  takesWrites(): boolean {
    this.refresh();
    return this.tokens.some((t) => t.scope === 'write');
  }

  /** The access a request gets for a read or a write. */
  check(authorization: string | undefined, write: boolean): Access {
    this.refresh();
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (authorization !== undefined && presented === undefined) return { refused: problem(401, 'the Authorization header must be "Bearer TOKEN"'), challenge: true };
    const token = presented === undefined ? undefined : matchToken(this.tokens, presented);
    if (presented !== undefined && token === undefined) return { refused: problem(401, 'the token is not known to this server'), challenge: true };
    if (write) {
      if (!this.takesWrites()) {
        return {
          refused: problem(
            403,
            this.policy.tokensFile === undefined
              ? 'this server takes no writes: add a write token with `portolan token add NAME --scope write --tokens FILE`, and start it with `--tokens FILE`'
              : `this server takes no writes: ${this.policy.tokensFile} has no write token; add one with \`portolan token add NAME --scope write --tokens ${this.policy.tokensFile}\``,
          ),
        };
      }
      if (token === undefined) return { refused: problem(401, 'a write needs a token: send "Authorization: Bearer TOKEN" with a write token'), challenge: true };
      if (token.scope !== 'write') return { refused: problem(403, `token ${token.name} may only read; a write needs a token with --scope write`) };
      return { token };
    }
    if (token === undefined && !this.policy.openReads) return { refused: problem(401, 'this server is not on loopback: reads need a token ("Authorization: Bearer TOKEN"), unless it runs with --public-reads'), challenge: true };
    return token ? { token } : {};
  }

  private refresh(): void {
    const file = this.policy.tokensFile;
    if (file === undefined) return;
    let stamp = 'missing';
    try {
      const stat = statSync(file);
      stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      // No file yet: no tokens.
    }
    if (stamp === this.stamp) return;
    this.tokens = stamp === 'missing' ? [] : readTokens(file);
    this.stamp = stamp;
  }
}

/** A token bucket per caller: `perSecond` requests a second, `burst` at once. */
export class RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request for `caller`; the seconds to wait when there is none left. */
  take(caller: string): number | undefined {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > 10_000) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / this.perSecond);
    bucket.tokens -= 1;
    return undefined;
  }
}
