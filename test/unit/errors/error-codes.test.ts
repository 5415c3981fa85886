import { describe, expect, it } from 'vitest';
import { DemoError } from '../../../src/demo/demo-error.js';
import { MetricSourceError } from '../../../src/errors/metric-source-error.js';
import { RequestError } from '../../../src/errors/request-error.js';
import { StoreError } from '../../../src/errors/store-error.js';
import { UnleashError } from '../../../src/errors/unleash-error.js';

// The codes are the API's wire format: clients match on them, so each keeps its status for good.
describe('error codes', () => {
  it('answer each request error with its own status', () => {
    const status = (code: RequestError['code']) => new RequestError(code, 'm').statusCode;
    expect(status('not_found')).toBe(404);
    expect(status('unauthorized')).toBe(401);
    expect(status('forbidden')).toBe(403);
    expect(status('conflict')).toBe(409);
    expect(status('too_many_requests')).toBe(429);
    expect(new RequestError('too_many_requests', 'm', 30).retryAfterSeconds).toBe(30);
  });

  it('answer store and demo errors with their statuses', () => {
    expect(new StoreError('store_error', 'm').statusCode).toBe(503);
    expect(new StoreError('stale_state', 'm').statusCode).toBe(409);
    expect(new StoreError('fenced', 'm').statusCode).toBe(503);
    expect(new DemoError('token_store_corrupt', 'm').statusCode).toBe(503);
    expect(new DemoError('unknown_fault', 'm').statusCode).toBe(400);
  });

  it('answer metric source errors by what failed', () => {
    const status = (code: MetricSourceError['code']) => new MetricSourceError(code, 'm').statusCode;
    expect(status('metric_source_timeout')).toBe(504);
    expect(status('metric_source_unreachable')).toBe(503);
    expect(status('metric_source_overloaded')).toBe(503);
    expect(status('unsupported_query')).toBe(400);
    for (const code of ['http_error', 'query_error', 'bad_response', 'warning'] as const) {
      expect(status(`metric_source_${code}`)).toBe(502);
    }
  });

  it('mark only transient Unleash failures retryable, and answer 502 for all', () => {
    const error = (code: UnleashError['code']) => new UnleashError(code, 'm', 'http://u');
    for (const code of ['unleash_unreachable', 'unleash_timeout', 'unleash_server_error'] as const) {
      expect(error(code)).toMatchObject({ retryable: true, statusCode: 502 });
    }
    for (const code of [
      'unleash_unauthorized',
      'unleash_not_found',
      'unleash_conflict',
      'unleash_request_rejected',
      'unleash_bad_response',
      'flag_write_unconfirmed',
    ] as const) {
      expect(error(code)).toMatchObject({ retryable: false, statusCode: 502 });
    }
  });

  it('send only code and message, named after the class', () => {
    const error = new StoreError('fenced', 'not the leader');
    expect(error.toJSON()).toEqual({ code: 'fenced', message: 'not the leader' });
    expect(error.name).toBe('StoreError');
    expect(error).toBeInstanceOf(Error);
  });
});
