import type { AccountService } from '../auth/account-service.js';
import type { Clock } from '../clock.js';
import type { GroupService } from '../groups/group-service.js';
import type { RateLimit } from '../limits/token-bucket.js';
import type { Logger } from '../logger.js';
import type { ConnectionMetrics } from '../metrics/connection-metrics.js';
import type { DeviceKeyStore } from '../store/device-key-store.js';
import type { ClientConnection } from './client-connection.js';
import type { BatchScheduler } from './outbox.js';
import type { Presence } from './presence.js';
import type { Timers } from '../turn/ice-refresh.js';
import type { IceServerSource } from '../turn/ice-servers.js';

/** What every connection shares: the server's services and settings. */
export interface ConnectionContext {
  accounts: AccountService;
  groups: GroupService;
  /** Where the device keys announced at sign-in are kept (a hint handed out with presence). */
  deviceKeys: DeviceKeyStore;
  presence: Presence<ClientConnection>;
  /** Each user's ICE servers, with a TURN credential of their own when TURN is configured. */
  ice: IceServerSource;
  /** For refreshing TURN credentials. */
  timers: Timers;
  logger: Logger;
  clock: Clock;
  /** Relayed `signal` frames of a logged-in connection. */
  relayRateLimit: RateLimit;
  /** Relayed `signal` frames from one connection to one recipient: a flood of one victim is bounded. */
  pairRelayRateLimit: RateLimit;
  /** A socket that has not logged in by then is closed. */
  loginTimeoutMs: number;
  /** Every other frame, bad ones included: caps floods before login. */
  controlRateLimit: RateLimit;
  /** A client that lets this much pile up unread is dropped rather than held in memory. */
  maxQueuedBytes: number;
  /** Flushes queued broadcasts and relays. */
  batches: BatchScheduler;
  /** Counts logins, relays and errors for `/metrics` (`NO_METRICS` when it is off). */
  metrics: ConnectionMetrics;
}
