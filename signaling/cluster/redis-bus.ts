/**
 * The cluster's bus on Redis (`REDIS_URL`). Presence is a hash (name key → `node|user[|alg|key]`, see
 * presence-value.ts) with a version counter, changed and published by the Lua scripts of
 * presence-scripts.ts; each node applies the deltas in version order and reloads the whole hash when
 * it sees a gap, when Redis comes back, or when its heartbeat finds the counter ahead of what it
 * applied (so updates cannot silently stop after a reconnect: socket.io/socket.io#4845). Relayed
 * signals go to the recipient's node on a channel per node, through a bounded window
 * (relay-window.ts); group frames on one channel every node hears. Each node refreshes a liveness
 * key; a sweeper (whoever holds a `SET NX` lock) takes the users of a node whose key expired offline.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { PublicIdentity } from '../../shared/identity-protocol.js';
import type { Logger } from '../logger.js';
import {
  NO_CLUSTER_METRICS,
  type ClusterMetrics,
  type RedisOperation,
  type ReloadReason,
} from '../metrics/cluster-metrics.js';
import type { BusListener, ClusterBus, RemoteEntry } from './bus.js';
import { parsePresenceValue, presenceValue } from './presence-value.js';
import { RelayWindow } from './relay-window.js';
import {
  DROP_NODE_SCRIPT,
  OFFLINE_SCRIPT,
  ONLINE_SCRIPT,
  RESYNC_SCRIPT,
  SNAPSHOT_SCRIPT,
  SWEEP_SCRIPT,
} from './presence-scripts.js';

type Client = ReturnType<typeof createClient>;

export interface RedisBusOptions {
  url: string;
  logger: Logger;
  /** How often this node refreshes its liveness key and checks the version. Default 1000 ms. */
  heartbeatMs?: number;
  /** How long a node that stopped refreshing still counts as alive. Default 4000 ms. */
  aliveTtlMs?: number;
  /**
   * How often a node tries to become the sweeper (and how long the lock holds). Default 1000 ms: a
   * dead node's users go offline at most about `aliveTtlMs` + 2 × this after it died (one SET NX a
   * second per node is nothing to Redis).
   */
  sweepMs?: number;
  /** A command Redis does not answer in this time fails (and is repaired later). Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Prefix of every key and channel; nodes of one cluster share it. Default `parley`. */
  prefix?: string;
  /** Redis latency, reloads, sweeps and relays received, for `/metrics`. Default: not counted. */
  metrics?: ClusterMetrics;
  /**
   * Bytes of relayed signals queued for Redis or in unanswered publishes, at most; past it new relays
   * are shed (see relay-window.ts). Default 4 MiB: about 35,000 signals, a second or two of a busy
   * node's relays. Only the publishes in flight count against the command timeout; the queue adds delay.
   */
  relayBacklogBytes?: number;
}

/** Relay publishes awaiting Redis at once: enough to keep the connection busy, few enough to answer fast. */
const RELAY_IN_FLIGHT = 4;
/** Bytes of one relay PUBLISH at most: large enough to carry a busy turn, small next to the backlog. */
const RELAY_BATCH_BYTES = 256 * 1024;

/** A presence change as published: `[version, 1 online | 0 offline, key, value]` (presence-value.ts). */
type Delta = [version: number, online: 0 | 1, key: string, value: string];

/** This node's write of a session: its version once Redis answered, and a newer login elsewhere seen before that. */
interface LocalWrite {
  version: number | null;
  beatenBy: Delta | null;
}

export class RedisBus implements ClusterBus {
  readonly node = randomBytes(6).toString('hex');
  private listener: BusListener | null = null;
  private readonly keys: { hash: string; version: string; presence: string; announce: string };
  /** The last version applied; -1 before the first snapshot. */
  private applied = -1;
  /** While a snapshot is being read, deltas wait here. */
  private held: Delta[] | null = [];
  private refreshing: Promise<void> | null = null;
  /** A reload asked for while one runs: it runs next, once however many asked. */
  private refreshAgain: ReloadReason | null = null;
  /** A local change failed to reach Redis: the next heartbeat writes this node's sessions back. */
  private dirty = false;
  /** A version the heartbeat saw but no delta brought yet: if still missing next time, reload. */
  private suspect: number | null = null;
  private readonly local = new Map<string, LocalWrite>();
  private readonly relays: RelayWindow;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly subscriber: Client,
    private readonly options: Required<Omit<RedisBusOptions, 'url'>>,
  ) {
    const { prefix, relayBacklogBytes } = options;
    this.relays = new RelayWindow({
      publish: (node, payload) =>
        this.timed('relay', () => this.client.publish(`${prefix}:node:${node}`, payload)).catch(
          (error: unknown) => this.options.logger.debug({ err: String(error) }, 'relay lost'),
        ),
      maxBacklogBytes: relayBacklogBytes,
      maxInFlight: RELAY_IN_FLIGHT,
      maxBatchBytes: Math.min(RELAY_BATCH_BYTES, relayBacklogBytes),
    });
    this.keys = {
      hash: `${prefix}:presence`,
      version: `${prefix}:presence:version`,
      presence: `${prefix}:presence`,
      announce: `${prefix}:announce`,
    };
  }

  /** Connects both clients and resolves once this node hears the others; see `listen`. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const { url, logger } = options;
    // Commands fail at once while Redis is away (the heartbeat repairs afterwards) instead of piling up.
    const client = createClient({
      url,
      RESP: 3,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? 2000 },
    });
    const subscriber = client.duplicate();
    const bus = new RedisBus(client, subscriber, {
      logger,
      heartbeatMs: options.heartbeatMs ?? 1000,
      aliveTtlMs: options.aliveTtlMs ?? 4000,
      sweepMs: options.sweepMs ?? 1000,
      commandTimeoutMs: options.commandTimeoutMs ?? 2000,
      prefix: options.prefix ?? 'parley',
      metrics: options.metrics ?? NO_CLUSTER_METRICS,
      relayBacklogBytes: options.relayBacklogBytes ?? 4 * 1024 * 1024,
    });
    for (const [name, redis] of [
      ['client', client],
      ['subscriber', subscriber],
    ] as const) {
      // Without an 'error' listener a lost connection would crash the process.
      redis.on('error', (error: Error) => bus.lost(name, error));
      redis.on('ready', () => bus.back(name));
    }
    await Promise.all([client.connect(), subscriber.connect()]);
    await bus.start();
    return bus;
  }

  /** The client the shared limiters use (limits/shared-limiter.ts). */
  get redis(): Client {
    return this.client;
  }

  listen(listener: BusListener): void {
    this.listener = listener;
    this.refresh('start', false);
  }

  online(key: string, user: string, identity: PublicIdentity | undefined): void {
    const write: LocalWrite = { version: null, beatenBy: null };
    this.local.set(key, write);
    this.eval('online', ONLINE_SCRIPT, [key, presenceValue(this.node, user, identity)]).then(
      (version) => this.written(key, write, Number(version)),
      (error: unknown) => this.failed('online', error),
    );
  }

  offline(key: string, user: string, identity: PublicIdentity | undefined): void {
    this.local.delete(key);
    this.eval('offline', OFFLINE_SCRIPT, [key, presenceValue(this.node, user, identity)]).catch(
      (error: unknown) => this.failed('offline', error),
    );
  }

  relay(node: string, key: string, frame: string): boolean {
    if (this.relays.offer(node, key, frame)) return true;
    this.options.metrics.relayShed(1);
    return false;
  }

  /** Bytes of relayed signals queued for Redis or awaiting its answer (bounded by `relayBacklogBytes`). */
  get relayBacklogBytes(): number {
    return this.relays.backlogBytes;
  }

  announce(keys: readonly string[], frame: string): void {
    this.timed('announce', () =>
      this.client.publish(this.keys.announce, JSON.stringify([this.node, keys, frame])),
    ).catch((error: unknown) => this.failed('announce', error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    try {
      await this.eval('offline', DROP_NODE_SCRIPT, [this.node]);
      await this.client.del(this.aliveKey(this.node));
    } catch (error) {
      // Redis is away: the sweeper takes this node's users offline once its liveness key expires.
      this.options.logger.warn({ err: String(error) }, 'could not leave the cluster cleanly');
    }
    await Promise.allSettled([this.client.close(), this.subscriber.close()]);
  }

  private async start(): Promise<void> {
    const { prefix, heartbeatMs, sweepMs } = this.options;
    await this.subscriber.subscribe(this.keys.presence, (message) => this.heard(message));
    await this.subscriber.subscribe(`${prefix}:node:${this.node}`, (message) => {
      const lines = message.split('\n');
      this.options.metrics.relayReceived(lines.length >> 1);
      for (let i = 0; i + 1 < lines.length; i += 2) this.listener?.deliver(lines[i]!, lines[i + 1]!);
    });
    await this.subscriber.subscribe(this.keys.announce, (message) => {
      const [node, keys, frame] = JSON.parse(message) as [string, string[], string];
      if (node !== this.node) this.listener?.announced(keys, frame);
    });
    await this.heartbeat();
    this.timers.push(setInterval(() => void this.heartbeat(), heartbeatMs));
    this.timers.push(setInterval(() => void this.sweep(), sweepMs));
    for (const timer of this.timers) timer.unref();
  }

  private aliveKey(node: string): string {
    return `${this.options.prefix}:alive:${node}`;
  }

  /** Runs one Redis command, timed for `/metrics` whether it is answered or fails. */
  private timed<T>(operation: RedisOperation, command: () => Promise<T>): Promise<T> {
    const stop = this.options.metrics.redisTimer(operation);
    return command().finally(stop);
  }

  private eval(operation: RedisOperation, script: string, args: string[]): Promise<unknown> {
    return this.timed(operation, () =>
      this.client.eval(script, {
        keys: [this.keys.hash, this.keys.version],
        arguments: [this.keys.presence, ...args],
      }),
    );
  }

  /** Our login is in Redis at `version`; a login elsewhere published after it means ours lost. */
  private written(key: string, write: LocalWrite, version: number): void {
    if (this.local.get(key) !== write) return;
    write.version = version;
    const beaten = write.beatenBy;
    write.beatenBy = null;
    if (beaten && beaten[0] > version) this.remoteChange(beaten);
  }

  private heard(message: string): void {
    const delta = JSON.parse(message) as Delta;
    if (this.held) this.held.push(delta);
    else this.apply(delta);
  }

  private apply(delta: Delta): void {
    const [version] = delta;
    if (version <= this.applied) return;
    if (version !== this.applied + 1) {
      this.options.logger.info({ applied: this.applied, version }, 'presence gap; reloading');
      this.refresh('gap', false);
      return;
    }
    this.applied = version;
    if (this.suspect !== null && version >= this.suspect) this.suspect = null;
    this.remoteChange(delta);
  }

  private remoteChange([version, online, key, value]: Delta): void {
    const entry = parsePresenceValue(value);
    const { node } = entry;
    if (node === this.node) {
      // Our own changes were announced here when they happened. But a session of ours taken offline
      // by someone else means a sweeper thought this node dead: write our sessions back.
      if (online === 0 && this.local.has(key)) this.dirty = true;
      return;
    }
    if (!this.listener) return;
    if (online === 0) return this.listener.remoteOffline(key, node);
    const mine = this.local.get(key);
    if (mine?.version === null) {
      // Which login is newer is known once Redis answers ours (see `written`).
      if (!mine.beatenBy || mine.beatenBy[0] < version) mine.beatenBy = [version, online, key, value];
      return;
    }
    if (mine && mine.version !== null && mine.version > version) return;
    this.listener.remoteOnline(key, entry);
  }

  /**
   * Reads the whole hash (after writing this node's sessions back, with `resync`) and hands it to the
   * listener; deltas wait meanwhile and those past the snapshot are applied after it. Serialized.
   */
  private refresh(reason: ReloadReason, resync: boolean): void {
    if (this.closed || !this.listener) return;
    if (resync) this.dirty = true;
    if (this.refreshing) {
      this.refreshAgain ??= reason;
      return;
    }
    this.options.metrics.reloaded(reason);
    this.held ??= [];
    this.refreshing = this.reload().finally(() => {
      this.refreshing = null;
      const again = this.refreshAgain;
      this.refreshAgain = null;
      if (again) this.refresh(again, false);
    });
  }

  private async reload(): Promise<void> {
    const listener = this.listener!;
    try {
      if (this.dirty) {
        // Alive first, so a sweeper does not take back what this resync writes.
        await this.timed('resync', () =>
          this.client.set(this.aliveKey(this.node), '1', { PX: this.options.aliveTtlMs }),
        );
        const pairs = listener
          .localUsers()
          .flatMap(([key, user, identity]) => [key, presenceValue(this.node, user, identity)]);
        this.dirty = false;
        await this.eval('resync', RESYNC_SCRIPT, [this.node, ...pairs]);
      }
      const mark = listener.mark();
      const [version, flat] = (await this.timed('reload', () =>
        this.client.eval(SNAPSHOT_SCRIPT, { keys: [this.keys.hash, this.keys.version] }),
      )) as [string, string[]];
      const entries = new Map<string, RemoteEntry>();
      for (let i = 0; i < flat.length; i += 2) {
        const entry = parsePresenceValue(flat[i + 1]!);
        if (entry.node !== this.node) entries.set(flat[i]!, entry);
      }
      this.applied = Number(version);
      this.suspect = null;
      listener.remoteSnapshot(entries, mark);
    } catch (error) {
      this.failed('reload', error);
    }
    const held = this.held ?? [];
    this.held = null;
    for (const delta of held) this.apply(delta);
  }

  /** Refreshes this node's liveness, and checks no delta went missing (a silent pub/sub loss). */
  private async heartbeat(): Promise<void> {
    const { aliveTtlMs } = this.options;
    try {
      const [, raw] = await this.timed('heartbeat', () =>
        Promise.all([
          this.client.set(this.aliveKey(this.node), '1', { PX: aliveTtlMs }),
          this.client.get(this.keys.version),
        ]),
      );
      const version = Number(raw ?? 0);
      // Below what was applied: Redis restarted empty, so this node's sessions must be written back.
      if (this.dirty || version < this.applied)
        return this.refresh(this.dirty ? 'repair' : 'reconnect', true);
      if (this.suspect !== null && this.applied < this.suspect) return this.refresh('stalled', false);
      this.suspect = version > this.applied ? version : null;
    } catch (error) {
      this.failed('heartbeat', error);
    }
  }

  /** Whoever takes the lock takes the users of dead nodes offline. */
  private async sweep(): Promise<void> {
    const { prefix, sweepMs } = this.options;
    try {
      const lock = await this.timed('sweep', () =>
        this.client.set(`${prefix}:sweeper`, this.node, { NX: true, PX: sweepMs }),
      );
      if (lock !== 'OK') return;
      const removed = Number(await this.eval('sweep', SWEEP_SCRIPT, [`${prefix}:alive:`]));
      this.options.metrics.swept(removed);
      if (removed > 0) this.options.logger.info({ removed }, 'took the users of a dead node offline');
    } catch (error) {
      this.failed('sweep', error);
    }
  }

  private failed(what: string, error: unknown): void {
    // Whatever this node wrote or missed meanwhile is repaired once Redis answers again.
    this.dirty = true;
    this.options.logger.warn({ err: String(error), what }, 'redis command failed');
  }

  private lost(name: string, error: Error): void {
    if (this.closed) return;
    this.dirty = true;
    this.options.logger.warn({ err: error.message, connection: name }, 'redis connection lost');
  }

  private back(name: string): void {
    if (this.closed || this.applied < 0) return;
    this.options.logger.info({ connection: name }, 'redis connection back; resyncing presence');
    this.refresh('reconnect', true);
  }
}
