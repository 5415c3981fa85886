import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { RequestError } from '../errors/request-error.js';
import { ValidationError } from '../errors/validation-error.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * The one place errors become HTTP answers: JSON `{ code, message }` (plus `issues` for
 * validation errors), the right 4xx, and never a stack trace. Unknown errors are a 500 whose
 * details go to the log only.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
      if (err instanceof RequestError && err.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
      }
      const body: Record<string, unknown> = err.toJSON();
      if (err instanceof ValidationError) body.issues = err.issues;
      res.status(err.statusCode).json(body);
      return;
    }
    // body-parser errors (malformed JSON, too large, wrong charset) carry a 4xx status and expose=true.
    const httpError = (err ?? {}) as HttpLikeError;
    const status = httpError.status ?? httpError.statusCode;
    if (status !== undefined && status >= 400 && status < 500 && httpError.expose !== false) {
      const code = httpError.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
      res.status(status).json({ code, message: httpError.message ?? 'bad request' });
      return;
    }
    logger.error(
      { err, method: req.method, path: req.path, requestId: req.headers['x-request-id'] },
      'unhandled',
    );
    res.status(500).json({ code: 'internal', message: 'internal error; see rampart logs' });
  };
}
