import type { Duplex } from 'node:stream';

/** Node's parser error codes that have their own status; every other parse failure is a 400. */
const STATUS_OF: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request was not received in time'],
  HPE_HEADERS_TIMEOUT: [408, 'Request Timeout', 'the request headers were not received in time'],
};

/**
 * Answers a request Node rejected before express saw it (malformed HTTP, headers too large) with
 * the app's error body `{ code, message }` instead of Node's empty one, then closes the socket:
 * after a parse error the connection's framing cannot be trusted. Nothing of the request is echoed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A peer that went away (or a socket already answered) gets nothing: there is no one to read it.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text, message] = STATUS_OF[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'malformed HTTP request',
  ];
  const code = status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'bad_request';
  const body = JSON.stringify({ code, message });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // end() flushes the answer; destroy after it so a client that never reads cannot hold the socket.
  socket.once('finish', () => socket.destroy());
}
