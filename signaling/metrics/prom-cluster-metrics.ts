import { Counter, Histogram, type Registry } from 'prom-client';
import {
  RELOAD_REASONS,
  type ClusterMetrics,
  type RedisOperation,
  type ReloadReason,
} from './cluster-metrics.js';

/** Redis on loopback answers in tens of microseconds; a command fails after 2 s (the command timeout). */
const REDIS_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** The cluster bus's metrics, registered in a server's registry (see server-metrics.ts). */
export class PromClusterMetrics implements ClusterMetrics {
  private readonly redisSeconds: Histogram<'operation'>;
  private readonly reloads: Counter<'reason'>;
  private readonly sweeps: Counter;
  private readonly sweptUsers: Counter;
  private readonly received: Counter;
  private readonly shed: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.redisSeconds = new Histogram({
      name: 'parley_redis_seconds',
      help: 'Time Redis took to answer (or fail) a command of the cluster bus, by operation.',
      labelNames: ['operation'],
      buckets: REDIS_BUCKETS,
      registers,
    });
    this.reloads = new Counter({
      name: 'parley_presence_reloads_total',
      help: "Reloads of the cluster's whole presence hash, by reason (start, gap, reconnect, stalled, repair).",
      labelNames: ['reason'],
      registers,
    });
    // Every reason shows from the first scrape, so a rate over it is 0, not absent.
    for (const reason of RELOAD_REASONS) this.reloads.inc({ reason }, 0);
    this.sweeps = new Counter({
      name: 'parley_cluster_sweeps_total',
      help: 'Sweeps this node ran holding the sweeper lock (looking for nodes whose liveness key expired).',
      registers,
    });
    this.sweptUsers = new Counter({
      name: 'parley_cluster_swept_users_total',
      help: 'Users of dead nodes this node took offline as the sweeper.',
      registers,
    });
    this.received = new Counter({
      name: 'parley_cluster_relay_received_total',
      help: 'Relayed signals that reached this node from another node.',
      registers,
    });
    this.shed = new Counter({
      name: 'parley_relay_shed_total',
      help: 'Signals for another node refused at once because the backlog to Redis was full (the sender is told).',
      registers,
    });
  }

  redisTimer(operation: RedisOperation): () => void {
    return this.redisSeconds.startTimer({ operation });
  }

  reloaded(reason: ReloadReason): void {
    this.reloads.inc({ reason });
  }

  swept(users: number): void {
    this.sweeps.inc();
    this.sweptUsers.inc(users);
  }

  relayReceived(frames: number): void {
    this.received.inc(frames);
  }

  relayShed(frames: number): void {
    this.shed.inc(frames);
  }
}
