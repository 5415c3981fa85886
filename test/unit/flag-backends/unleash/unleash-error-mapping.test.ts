import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { toUnleashError } from '../../../../src/flag-backends/unleash/unleash-error-mapping.js';

const URL = 'http://127.0.0.1:4242';
const TOKEN = '*:*.secret-admin-token';
const SOURCE = 'adminTokenFile: /run/secrets/unleash';
const config = { headers: new AxiosHeaders({ Authorization: TOKEN }) };

function withStatus(status: number, data: unknown = { message: `server says ${status}` }): AxiosError {
  const response = { status, statusText: '', headers: {}, config, data } as AxiosResponse;
  return new AxiosError(
    `Request failed with status code ${status}`,
    'ERR_BAD_RESPONSE',
    config,
    {},
    response,
  );
}

function withCode(code: string): AxiosError {
  return new AxiosError(`failed: ${code}`, code, config, {});
}

describe('toUnleashError', () => {
  it.each([
    [401, 'unleash_unauthorized'],
    [403, 'unleash_unauthorized'],
    [404, 'unleash_not_found'],
    [409, 'unleash_conflict'],
    [500, 'unleash_server_error'],
    [503, 'unleash_server_error'],
    [400, 'unleash_request_rejected'],
  ])('maps HTTP %i to %s', (status, code) => {
    expect(toUnleashError(withStatus(status), URL, 'read flag f', SOURCE)).toMatchObject({
      name: 'UnleashError',
      code,
    });
  });

  it('tells what to fix on a rejected token', () => {
    expect(toUnleashError(withStatus(401), URL, 'x', SOURCE).message).toBe(
      `admin token rejected by Unleash at ${URL} (HTTP 401): check the token of ${SOURCE}`,
    );
  });

  it("quotes Unleash's own message for a 404", () => {
    const error = toUnleashError(
      withStatus(404, { message: 'Active project with id nope does not exist' }),
      URL,
      'create flag f',
      SOURCE,
    );
    expect(error.message).toBe(
      `create flag f: not found in Unleash at ${URL}: Active project with id nope does not exist`,
    );
  });

  it.each(['ECONNABORTED', 'ETIMEDOUT'])('maps %s to a timeout', (code) => {
    expect(toUnleashError(withCode(code), URL, 'x', SOURCE)).toMatchObject({
      name: 'UnleashError',
      code: 'unleash_timeout',
    });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND'])('maps %s to unreachable', (code) => {
    const error = toUnleashError(withCode(code), URL, 'x', SOURCE);
    expect(error).toMatchObject({ name: 'UnleashError', code: 'unleash_unreachable' });
    expect(error.message).toContain(code);
  });

  it('marks only transient failures retryable', () => {
    expect(toUnleashError(withStatus(503), URL, 'x', SOURCE).retryable).toBe(true);
    expect(toUnleashError(withCode('ECONNREFUSED'), URL, 'x', SOURCE).retryable).toBe(true);
    expect(toUnleashError(withCode('ETIMEDOUT'), URL, 'x', SOURCE).retryable).toBe(true);
    for (const status of [400, 401, 403, 404, 409]) {
      expect(toUnleashError(withStatus(status), URL, 'x', SOURCE).retryable).toBe(false);
    }
  });

  it('never carries the token, in the message, the JSON or a cause', () => {
    for (const error of [withStatus(401), withStatus(500), withCode('ECONNREFUSED'), withCode('ETIMEDOUT')]) {
      const mapped = toUnleashError(error, URL, 'x', SOURCE);
      expect(mapped.cause).toBeUndefined();
      expect(JSON.stringify({ ...mapped, message: mapped.message, json: mapped.toJSON() })).not.toContain(
        'secret-admin-token',
      );
    }
  });

  it('answers 502 on rampart side with a stable code', () => {
    expect(toUnleashError(withStatus(401), URL, 'x', SOURCE).toJSON()).toEqual({
      code: 'unleash_unauthorized',
      message: expect.stringContaining(SOURCE),
    });
    expect(toUnleashError(withStatus(401), URL, 'x', SOURCE).statusCode).toBe(502);
  });
});
