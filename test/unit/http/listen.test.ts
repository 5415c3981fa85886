import type { Server } from 'node:http';
import { connect } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listen } from '../../../src/http/listen.js';

let server: Server;
let port: number;
beforeEach(async () => {
  const app = express();
  app.get('/ok', (_req, res) => {
    res.json({ ok: true });
  });
  server = await listen(app, '127.0.0.1', 0);
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends raw bytes and collects everything until the server closes the connection. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [status = '', ...headers] = head.split('\r\n');
  return { status, headers: headers.map((h) => h.toLowerCase()), body: JSON.parse(body) as unknown };
}

describe('listen: requests Node refuses before express', () => {
  it('answers headers too large with 431 and the JSON error body, then closes', async () => {
    const huge = `GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`;
    const answer = parse(await raw(huge));
    expect(answer.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.headers).toContain('content-type: application/json; charset=utf-8');
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toEqual({ code: 'headers_too_large', message: 'request headers are too large' });
  });

  it('answers malformed HTTP with 400 and the JSON error body, echoing nothing of it', async () => {
    const answer = parse(await raw('GET /ok HTTP/1.1\r\nHost x secret-token-123\r\n\r\n'));
    expect(answer.status).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toEqual({ code: 'bad_request', message: 'malformed HTTP request' });
    expect(JSON.stringify(answer)).not.toContain('secret-token-123');
  });

  it('still serves well-formed requests', async () => {
    const answer = await raw('GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toContain('{"ok":true}');
  });
});
