import { pino, type Logger } from 'pino';

export type { Logger };

/** Log levels accepted by `LOG_LEVEL`, most verbose last. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Field names that must never reach a log line. Handlers do not log them in the first place; this is
 * the second line of defence should a future log call pass a whole frame.
 */
const REDACTED = ['password', 'token', 'data', '*.password', '*.token', '*.data'];

/** The server's logger: JSON lines on stderr (stdout carries only the "listening" line). */
export function createLogger(level: LogLevel): Logger {
  return pino(
    { level, base: { name: 'parley' }, redact: { paths: REDACTED, censor: '[redacted]' } },
    pino.destination({ dest: 2, sync: true }),
  );
}
