import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { RequestError } from '../errors/request-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { IdempotencyRecord, IdempotencyRecords } from '../store/store.js';
import type { Clock } from '../time/clock.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Sent with an answer replayed from the store instead of computed by this request. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Visible ASCII, 1 to 255 characters: a UUID fits, and a key can never smuggle a header or a log line. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;

declare module 'express-serve-static-core' {
  interface Request {
    /**
     * Set when the request carries an Idempotency-Key: a route's state change carries it (e.g.
     * as the command's dedupeKey) so a retry after a lost answer or a crash finds the first change.
     */
    dedupeKey?: string;
  }
}

export interface IdempotencyOptions {
  records: IdempotencyRecords;
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
  /** How long first answers are kept; a key older than this is a new request. Default 24 h. */
  retentionMs?: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted: the same body in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Answers that say nothing about what the request did (auth and rate refusals, server failures)
 * are not kept: a retry after one runs again.
 */
function worthKeeping(status: number): boolean {
  return status < 500 && ![401, 403, 408, 429].includes(status);
}

/**
 * Express middleware for every state-changing (POST) route, after authentication and body
 * parsing. With an `Idempotency-Key` header, per principal and route: the first answer (status
 * and body) is stored before it is sent, and a retry with the same key gets it back
 * (`Idempotent-Replayed: true`) without running again; the same key with another body is a 422;
 * a retry while the first is still running here is a 409. A key whose first request died with its
 * process (or runs on another replica) runs again with the same `req.dedupeKey`, so its state
 * change finds the first one instead of applying twice. Without the header nothing changes.
 * Answers are stored from `res.json` (every API answer, errors included); a route that answers
 * otherwise leaves its key in flight, so a retry runs again.
 */
export function idempotency(options: IdempotencyOptions): RequestHandler {
  const { records, clock } = options;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const inFlight = new Set<string>();
  let prunedAt = Number.NEGATIVE_INFINITY;

  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (req.method !== 'POST' || key === undefined) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ValidationError([
        {
          source: `${IDEMPOTENCY_HEADER} header`,
          path: '',
          message: '1 to 255 visible ASCII characters (send a new UUID per request)',
        },
      ]);
    }
    const now = clock.now();
    if (now.getTime() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = now.getTime();
      await records.prune(new Date(now.getTime() - retentionMs));
    }
    const scope = `${req.principal?.name ?? 'anonymous'} ${req.method} ${req.baseUrl}${req.path}`;
    const requestHash = sha256(canonicalJson(req.body ?? {}));
    const id = `${scope}\0${key}`;
    if (inFlight.has(id))
      throw new RequestError(
        'idempotency_in_progress',
        `a request with this ${IDEMPOTENCY_HEADER} is still running; retry shortly`,
        1,
      );
    // Taken before the first await, so a concurrent retry in this process cannot slip past it.
    inFlight.add(id);
    let record: IdempotencyRecord;
    try {
      record = (await records.claim({ scope, key, requestHash, createdAt: now })).record;
    } catch (error) {
      inFlight.delete(id);
      throw error;
    }
    if (record.requestHash !== requestHash || record.outcome) inFlight.delete(id);
    if (record.requestHash !== requestHash) {
      throw new RequestError(
        'idempotency_key_reused',
        `this ${IDEMPOTENCY_HEADER} was used for ${req.method} ${req.baseUrl}${req.path} with another body; send a new key per request`,
      );
    }
    if (record.outcome) {
      res.status(record.outcome.status).set(REPLAYED_HEADER, 'true').type('json').send(record.outcome.body);
      return;
    }
    res.once('finish', () => inFlight.delete(id));
    req.dedupeKey = `http/${sha256(`${scope}\n${key}\n${record.createdAt.toISOString()}`)}`;
    // The answer is stored before it is sent: a client that saw it can only ever see it again.
    res.json = (body: unknown) => {
      const answer = { status: res.statusCode, body: JSON.stringify(body) };
      const stored = worthKeeping(answer.status)
        ? records.complete(scope, key, answer, clock.now())
        : records.release(scope, key).then(() => answer);
      stored
        .catch((error: unknown) => {
          options.logger.warn({ err: String(error), scope }, 'idempotency answer not stored');
          return answer;
        })
        .then((first) => {
          inFlight.delete(id);
          if (first.body !== answer.body || first.status !== answer.status) res.set(REPLAYED_HEADER, 'true');
          res.status(first.status).type('json').send(first.body);
        });
      return res;
    };
    next();
  };
}
