import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorCode } from '../../shared/errors.js';
import type { ConnectionMetrics, LoginVia, RelayRoute } from './connection-metrics.js';
import { PromClusterMetrics } from './prom-cluster-metrics.js';

/** Store calls take from well under a millisecond (SQLite) to tens of them (a remote PostgreSQL). */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Event-loop delay is sampled this often; lag shorter than this is not seen. */
const LOOP_RESOLUTION_MS = 10;
const NS_PER_SECOND = 1e9;

/** How many users are logged in, read at each scrape. */
export interface UsersOnline {
  /** On this node. */
  node(): number;
  /** On every node of the cluster, as this node knows them (the same as `node` on a single server). */
  cluster(): number;
}

/**
 * One node's metrics in Prometheus form. Each server has a registry of its own (not prom-client's
 * global one), so several servers in one process (the tests) do not count into each other.
 */
export class ServerMetrics implements ConnectionMetrics {
  readonly registry = new Registry();
  /** Seconds per store call, by method name. */
  readonly storeSeconds: Histogram<'operation'>;
  /** What the cluster bus reports (see cluster/redis-bus.ts). */
  readonly cluster: PromClusterMetrics;
  private readonly logins: Counter<'via'>;
  private readonly loginFailures: Counter<'via' | 'code'>;
  private readonly relays: Counter<'route'>;
  private readonly errors: Counter<'code'>;
  private readonly loop: IntervalHistogram;

  constructor(usersOnline: UsersOnline) {
    const registers = [this.registry];
    new Gauge({
      name: 'parley_users_online',
      help: 'Users logged in on this node.',
      registers,
      collect() {
        this.set(usersOnline.node());
      },
    });
    new Gauge({
      name: 'parley_cluster_users_online',
      help: 'Users logged in on every node of the cluster, as this node knows them.',
      registers,
      collect() {
        this.set(usersOnline.cluster());
      },
    });
    this.logins = new Counter({
      name: 'parley_logins_total',
      help: 'Successful logins, by the frame that logged in (register, login, resume).',
      labelNames: ['via'],
      registers,
    });
    this.loginFailures = new Counter({
      name: 'parley_login_failures_total',
      help: 'Refused logins, by frame and error code.',
      labelNames: ['via', 'code'],
      registers,
    });
    this.relays = new Counter({
      name: 'parley_relayed_signals_total',
      help: 'Signals forwarded from one user to another, by route (local: both on this node; cross-node).',
      labelNames: ['route'],
      registers,
    });
    for (const route of ['local', 'cross-node'] as const) this.relays.inc({ route }, 0);
    this.errors = new Counter({
      name: 'parley_errors_total',
      help: 'Error frames sent to clients, by error code.',
      labelNames: ['code'],
      registers,
    });
    this.storeSeconds = new Histogram({
      name: 'parley_store_seconds',
      help: 'Time taken by store (database) calls, by operation.',
      labelNames: ['operation'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.cluster = new PromClusterMetrics(this.registry);

    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
    const loop = this.loop;
    // Over the time since the previous scrape: each scrape reads the window, then starts a new one.
    new Gauge({
      name: 'parley_event_loop_lag_seconds',
      help: `Event-loop delay since the previous scrape (sampled every ${LOOP_RESOLUTION_MS} ms), by statistic.`,
      labelNames: ['stat'],
      registers,
      collect() {
        const seconds = (ns: number) => (Number.isFinite(ns) ? ns / NS_PER_SECOND : 0);
        this.set({ stat: 'mean' }, seconds(loop.mean));
        this.set({ stat: 'p99' }, seconds(loop.percentile(99)));
        this.set({ stat: 'max' }, seconds(loop.max));
        loop.reset();
      },
    });
  }

  loggedIn(via: LoginVia): void {
    this.logins.inc({ via });
  }

  loginFailed(via: LoginVia, code: ErrorCode): void {
    this.loginFailures.inc({ via, code });
  }

  relayed(route: RelayRoute): void {
    this.relays.inc({ route });
  }

  errorSent(code: ErrorCode): void {
    this.errors.inc({ code });
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops sampling the event loop. */
  close(): void {
    this.loop.disable();
  }
}
