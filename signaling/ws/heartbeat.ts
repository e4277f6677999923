import type { WebSocket } from 'ws';

/**
 * Protocol-level keep-alive (the ws README recipe): every interval each socket is pinged, and a socket
 * that has not answered the previous ping is terminated, so a dead peer is dropped within two intervals.
 */
export class Heartbeat {
  private readonly awaitingPong = new WeakSet<WebSocket>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sockets: Iterable<WebSocket>,
    intervalMs: number,
    private readonly onMissed: (socket: WebSocket) => void,
  ) {
    if (!(intervalMs > 0)) throw new TypeError('heartbeat interval must be positive');
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  /** Starts tracking a socket's pongs; call once per socket. */
  watch(socket: WebSocket): void {
    socket.on('pong', () => this.awaitingPong.delete(socket));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    for (const socket of this.sockets) {
      if (this.awaitingPong.has(socket)) {
        this.onMissed(socket);
        socket.terminate();
        continue;
      }
      this.awaitingPong.add(socket);
      socket.ping();
    }
  }
}
