import type { ErrorCode } from '../../shared/errors.js';

/** How a connection logged in (the frame that did it). */
export type LoginVia = 'register' | 'login' | 'resume';

/** Where a relayed signal went: to a user on this node, or through the bus to another node. */
export type RelayRoute = 'local' | 'cross-node';

/**
 * What connections report for `/metrics`: the narrow port `ws/` sees. Labels are frame types and error
 * codes only, never a user name, so the metrics cannot tell who did what.
 */
export interface ConnectionMetrics {
  loggedIn(via: LoginVia): void;
  loginFailed(via: LoginVia, code: ErrorCode): void;
  /** A `signal` was forwarded to its recipient. */
  relayed(route: RelayRoute): void;
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
