import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { RequestError } from '../errors/request-error.js';
import type { Clock } from '../time/clock.js';

export const ROLES = ['viewer', 'operator', 'admin', 'alertmanager'] as const;
export type Role = (typeof ROLES)[number];

/** An API token as configured: only its SHA-256 is kept in memory. */
export interface ApiToken {
  name: string;
  role: Role;
  /** Lower-case hex SHA-256 of the token. */
  sha256: string;
}

export interface Principal {
  name: string;
  role: Role;
}

/** Which roles each capability admits; `alertmanager` may only post alerts. */
const CAPABILITIES = {
  read: ['viewer', 'operator', 'admin'],
  command: ['operator', 'admin'],
  alert: ['alertmanager', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

/** The roles a capability admits (the OpenAPI document lists them per route). */
export function rolesFor(capability: Capability): readonly Role[] {
  return CAPABILITIES[capability];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Looks a bearer token up by comparing SHA-256 digests in constant time against every
 * configured token, so neither the token nor its position leaks through timing.
 */
export function findToken(tokens: readonly ApiToken[], presented: string): Principal | undefined {
  const digest = Buffer.from(sha256Hex(presented), 'hex');
  let found: Principal | undefined;
  for (const t of tokens) {
    const candidate = Buffer.from(t.sha256, 'hex');
    if (candidate.length === digest.length && timingSafeEqual(candidate, digest) && !found) {
      found = { name: t.name, role: t.role };
    }
  }
  return found;
}

/**
 * Counts failed authentications per client over a sliding minute. It only ever sees failures (a valid
 * token is checked first and never reaches it), so it bounds what failing clients cost and cannot lock
 * a valid token out; the client key is `req.ip`, which follows X-Forwarded-For only from a configured
 * trusted proxy. At most `maxClients` addresses are tracked (the oldest is forgotten first), so a
 * spread of addresses cannot grow it without bound.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly maxPerMinute = 20,
    private readonly maxClients = 10_000,
  ) {}

  check(client: string): void {
    if (!this.failures.has(client)) return;
    const recent = this.recent(client);
    if (recent.length >= this.maxPerMinute) {
      const oldest = recent[0] ?? this.clock.now().getTime();
      const retry = Math.max(1, Math.ceil((oldest + 60_000 - this.clock.now().getTime()) / 1000));
      throw new RequestError('too_many_requests', 'too many failed authentications from this client', retry);
    }
  }

  fail(client: string): void {
    const recent = this.recent(client);
    recent.push(this.clock.now().getTime());
    // Re-inserting moves the client to the end, so the first key is the least recently failing one.
    this.failures.delete(client);
    this.failures.set(client, recent);
    while (this.failures.size > this.maxClients) {
      const first = this.failures.keys().next().value;
      if (first === undefined) break;
      this.failures.delete(first);
    }
  }

  private recent(client: string): number[] {
    const since = this.clock.now().getTime() - 60_000;
    const kept = (this.failures.get(client) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(client);
    return kept;
  }
}

/**
 * Express error middleware: every 401, from the API's or the client API's authentication, counts as
 * a failure of `req.ip`; past the limit the answer becomes 429 with Retry-After. It runs on failures
 * only, after the token check, so valid tokens from the same address keep working.
 */
export function limitFailedAuthentications(limiter: FailedAuthLimiter): ErrorRequestHandler {
  return (error: unknown, req, _res, next) => {
    if (error instanceof RequestError && error.code === 'unauthorized') {
      const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      try {
        limiter.check(client);
      } catch (limited) {
        next(limited);
        return;
      }
      limiter.fail(client);
    }
    next(error);
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Express middleware: requires a known bearer token and records who it is (401 otherwise). */
export function authenticate(tokens: readonly ApiToken[]): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match?.[1] ? findToken(tokens, match[1]) : undefined;
    if (!principal) {
      // Counted by limitFailedAuthentications, which sees every 401 of the app.
      throw new RequestError(
        'unauthorized',
        match ? 'unknown API token' : 'missing bearer token: send "Authorization: Bearer <token>"',
      );
    }
    req.principal = principal;
    next();
  };
}

/** Express middleware after `authenticate`: the token's role must have `capability` (403 otherwise). */
export function requireRole(capability: Capability): RequestHandler {
  const allowed = rolesFor(capability);
  return (req, _res, next) => {
    const principal = req.principal;
    if (!principal)
      throw new RequestError('unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
    if (!allowed.includes(principal.role)) {
      throw new RequestError(
        'forbidden',
        `token "${principal.name}" has role ${principal.role}; this needs ${allowed.join(' or ')}`,
      );
    }
    next();
  };
}
