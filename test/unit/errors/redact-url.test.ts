import { describe, expect, it } from 'vitest';
import { redactUrl, redactValue } from '../../../src/errors/redact-url.js';
import { toUnleashError } from '../../../src/flag-backends/unleash/unleash-error-mapping.js';

describe('redactUrl', () => {
  it('hides the userinfo password and keeps the rest as written', () => {
    expect(redactUrl('postgres://rampart:hunter2@DB.example:5432/rampart')).toBe(
      'postgres://rampart:***@DB.example:5432/rampart',
    );
    expect(redactUrl('https://user@host/path')).toBe('https://user@host/path');
    expect(redactUrl('http://127.0.0.1:9090')).toBe('http://127.0.0.1:9090');
  });

  it('hides secret query parameters, whatever their case, and keeps the others', () => {
    expect(redactUrl('postgres://u@h/db?sslmode=require&password=x1&SSLPassword=x2&passfile=/p')).toBe(
      'postgres://u@h/db?sslmode=require&password=***&SSLPassword=***&passfile=***',
    );
    expect(redactUrl('https://api/x?token=abc#frag')).toBe('https://api/x?token=***#frag');
  });

  it('hides the whole query when a secret parameter name is percent-encoded', () => {
    expect(redactUrl('postgres://u@h/db?pass%77ord=x1')).toBe('postgres://u@h/db?***');
  });

  it('keeps only scheme and tail of an unparseable URL', () => {
    expect(redactUrl('postgres://u:p@ss w@host:x/db')).toBe('postgres://***@host:x/db');
    expect(redactUrl('postgres://u:secret')).toBe('postgres://***');
    expect(redactUrl('postgres://u:secret:1/db?password=x')).toBe('postgres://***/db?password=***');
  });

  it('hides password= in text that is no URL at all', () => {
    expect(redactUrl('host=db password=x1 user=u')).toBe('host=db password=*** user=u');
    expect(redactUrl('sqlite:./data/rampart.db')).toBe('sqlite:./data/rampart.db');
  });

  it('redacts every string of a nested value', () => {
    expect(redactValue({ url: 'postgres://u:p@h/d', list: ['http://a:b@c'], n: 1 })).toEqual({
      url: 'postgres://u:***@h/d',
      list: ['http://a:***@c'],
      n: 1,
    });
  });
});

describe('messages that name a URL', () => {
  it('an Unleash error shows the base URL without its credentials', () => {
    const error = toUnleashError(
      new Error('boom'),
      'https://admin:hunter2@unleash.example/?token=t0k',
      'read flag',
      'adminTokenEnv: UNLEASH_ADMIN_TOKEN',
    );
    expect(error.message).toBe(
      'read flag at Unleash https://admin:***@unleash.example/?token=*** failed: boom',
    );
    expect(JSON.stringify(error)).not.toMatch(/hunter2|t0k/);
  });
});
