import { createServer, type Server } from 'node:http';
import { ATTACK_SECRETS, type AttackRole, secretsIn } from './attack-secrets.js';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  ms: number;
}

/**
 * Every answer the attack suite gets goes through here, so the secret scan sees each one (headers
 * and body) and a leak fails the test that caused it.
 */
export class RecordingClient {
  requests = 0;
  readonly leaks: string[] = [];

  constructor(readonly base: string) {}

  async send(
    method: string,
    path: string,
    options: { token?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const started = performance.now();
    const res = await fetch(`${this.base}${path}`, { method, headers, body: options.body });
    // An event stream (the SDKs' streaming endpoint) never ends: its first event is the answer.
    const text = (res.headers.get('content-type') ?? '').startsWith('text/event-stream')
      ? await firstEvent(res)
      : await res.text();
    const ms = performance.now() - started;
    this.requests += 1;
    const head = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    for (const name of secretsIn(`${head}\n${text}`)) this.leaks.push(`${method} ${path}: ${name}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json, ms };
  }

  as(role: AttackRole, method: string, path: string, body?: unknown): Promise<Answer> {
    return this.send(method, path, {
      token: ATTACK_SECRETS[role],
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

/** The stream up to its first complete event (or 2 s), then closed. */
async function firstEvent(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 2_000;
  try {
    while (!text.includes('\n\n') && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((resolve) =>
          setTimeout(() => resolve({ done: true, value: undefined }), Math.max(0, deadline - Date.now())),
        ),
      ]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

/** A loopback HTTP server standing in for Slack: counts the notifier's posts. */
export async function startWebhookSink(): Promise<{
  url: string;
  posts: () => number;
  close(): Promise<void>;
}> {
  let posts = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts += 1;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('webhook sink has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    posts: () => posts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
