import type { ErrorCode } from '../../shared/errors.js';

/** How a connection logged in (the frame that did it). */
export type LoginVia = 'register' | 'login' | 'resume';

/**
 * What connections report for `/metrics`: the narrow port `ws/` sees. Labels are frame types and error
 * codes only, never a user name, so the metrics cannot tell who did what.
 */
export interface ConnectionMetrics {
  loggedIn(via: LoginVia): void;
  loginFailed(via: LoginVia, code: ErrorCode): void;
  /** A `signal` was forwarded to its recipient. */
  relayed(): void;
  /** An error frame was sent to a client. */
  errorSent(code: ErrorCode): void;
}

/** For a server without `/metrics`: counts nothing, costs nothing. */
export const NO_METRICS: ConnectionMetrics = {
  loggedIn() {},
  loginFailed() {},
  relayed() {},
  errorSent() {},
};
