import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../../src/http/security-headers.js';
import { createStatusPage } from '../../../src/http/status-page/create-status-page.js';

function app() {
  const a = express();
  // As createApp with listen.trustedProxies [127.0.0.1, ::1]: X-Forwarded-Proto counts only from
  // a configured proxy (createApp trusts none by default; see failed-auth-limiter.test.ts).
  a.set('trust proxy', ['127.0.0.1', '::1']);
  a.use(securityHeaders());
  a.use(createStatusPage());
  return a;
}

function directives(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values.join(' '));
  }
  return map;
}

describe('security headers of the status page', () => {
  it('over plain HTTP at any hostname: no upgrade-insecure-requests and no COOP, the rest strict', async () => {
    const res = await request(app()).get('/').set('Host', 'rampart.internal:8080');
    expect(res.status).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('script-src-attr')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'self'");
    expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('over HTTPS (TLS terminated by a trusted proxy): upgrade-insecure-requests and COOP as well', async () => {
    const res = await request(app()).get('/').set('X-Forwarded-Proto', 'https');
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
    expect(csp.get('script-src')).toBe("'self'");
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('the page has no inline script for the strict script-src to block', async () => {
    const res = await request(app()).get('/');
    const scripts = [...res.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/status-page\//);
      expect(body?.trim()).toBe('');
    }
  });
});
