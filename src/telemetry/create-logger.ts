import { type DestinationStream, type Logger, pino } from 'pino';

/** JSON logs; secrets in these paths are never written, whatever a caller passes. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.RAMPART_LOG_LEVEL ?? 'info',
      base: { service: 'rampart' },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          'headers.authorization',
          'req.headers.authorization',
          'adminToken',
          '*.adminToken',
          'webhookUrl',
          '*.webhookUrl',
          'password',
          '*.password',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
