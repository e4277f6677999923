/**
 * What a cluster node's bus reports for `/metrics`: the narrow port `cluster/` sees. Labels are
 * operation names and reasons only, never a user name or a node id.
 */

/** What a node asks Redis for, as the `operation` label of `parley_redis_seconds`. */
export type RedisOperation =
  'online' | 'offline' | 'relay' | 'announce' | 'reload' | 'resync' | 'heartbeat' | 'sweep';

/**
 * Why a node reloads the cluster's presence: it starts, a delta skipped a version, a Redis connection
 * came back, the heartbeat found the version ahead of what it applied (a silent pub/sub loss), or a
 * command failed and the heartbeat repairs.
 */
export type ReloadReason = 'start' | 'gap' | 'reconnect' | 'stalled' | 'repair';

export const RELOAD_REASONS: readonly ReloadReason[] = ['start', 'gap', 'reconnect', 'stalled', 'repair'];

export interface ClusterMetrics {
  /** Starts timing one Redis command; call the result when it is answered or failed. */
  redisTimer(operation: RedisOperation): () => void;
  /** A presence reload was asked for (several asked while one runs make one more). */
  reloaded(reason: ReloadReason): void;
  /** This node held the sweeper lock and took `users` of dead nodes offline (often 0). */
  swept(users: number): void;
  /** Relayed signals that reached this node from another one. */
  relayReceived(frames: number): void;
  /** Relayed signals refused at once because this node's backlog to Redis was full (shed). */
  relayShed(frames: number): void;
}

const stopNothing = (): void => undefined;

/** For a node without `/metrics`: counts nothing, costs nothing. */
export const NO_CLUSTER_METRICS: ClusterMetrics = {
  redisTimer: () => stopNothing,
  reloaded() {},
  swept() {},
  relayReceived() {},
  relayShed() {},
};
