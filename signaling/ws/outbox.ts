import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/**
 * Encodes `payload` as one unmasked, final WebSocket text frame (RFC 6455 §5.2), as a server sends it.
 * A broadcast is encoded once and the same bytes are queued for every recipient.
 */
export function encodeTextFrame(payload: string): Buffer {
  // Encoded straight into the frame: one allocation, not a payload buffer plus a copy.
  const length = Buffer.byteLength(payload);
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(payload, headerLength);
  return frame;
}

/**
 * Flushes every outbox that has queued frames: at the end of the current turn when idle, but never
 * sooner after the previous flush than `spacing` times the CPU time that flush took, and never later
 * than `maxDelayMs`. A flush to N sockets costs N syscalls; under a storm of presence changes this
 * keeps flushing to about 1/(spacing+1) of the CPU, with more frames in each flush, while a lone change
 * goes out at once. CPU time, not wall time: on a busy machine a flush that was merely preempted must
 * not push the next one further out, or the delays feed on themselves.
 */
export class BatchScheduler {
  private readonly due: Outbox[] = [];
  private lastFlushEnd = 0;
  private lastFlushCostMs = 0;

  constructor(
    private readonly spacing = 1,
    private readonly maxDelayMs = 100,
  ) {}

  schedule(outbox: Outbox): void {
    if (this.due.length === 0) {
      const earliest = this.lastFlushEnd + Math.min(this.spacing * this.lastFlushCostMs, this.maxDelayMs);
      const wait = earliest - performance.now();
      if (wait >= 1) setTimeout(() => this.flushAll(), wait);
      else setImmediate(() => this.flushAll());
    }
    this.due.push(outbox);
  }

  flushAll(): void {
    const cpu = process.cpuUsage();
    for (const outbox of this.due) outbox.flush();
    this.due.length = 0;
    const used = process.cpuUsage(cpu);
    this.lastFlushCostMs = (used.user + used.system) / 1000;
    this.lastFlushEnd = performance.now();
  }
}

/**
 * Everything the server writes to one client, framed here and written straight to the TCP socket.
 *
 * HACK: ws writes every `send()` on its own (a cork, two writes and a writev), so a presence storm
 * (N users logging in after a restart, each announced to all others: N²/2 frames) costs a syscall per
 * frame, and N=10,000 takes minutes. ws has declined a batching mode
 * (https://github.com/websockets/ws/pull/1797, https://github.com/websockets/ws/pull/2214). So frames
 * are encoded here and written in one piece per flush; a direct frame goes out at once, together with
 * anything queued before it, so frames keep their order. ws still does the handshake, parsing, pings
 * and the close handshake. Writing under it is safe because ws writes whole frames synchronously when
 * permessage-deflate is off (it is), and nothing is written once the WebSocket is no longer OPEN (a
 * close frame may be out).
 *
 * Backpressure: while the socket has more than its high-water mark unsent, frames wait here until
 * `drain`, as references to the broadcast's one shared buffer rather than as copies in the socket's
 * queue; a client that falls `maxQueuedBytes` behind is dropped.
 */
export class Outbox {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private awaitingDrain = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly transport: Duplex,
    private readonly scheduler: BatchScheduler,
    /** Called when the client has fallen too far behind; it should drop the client. */
    private readonly onBacklog: (queuedBytes: number) => void,
    private readonly maxQueuedBytes: number,
  ) {}

  /** Queues an encoded frame (see `encodeTextFrame`) for the next flush. */
  queue(frame: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.queued.length === 0 && !this.awaitingDrain) this.scheduler.schedule(this);
    this.queued.push(frame);
    this.queuedBytes += frame.length;
    if (this.queuedBytes > this.maxQueuedBytes) {
      const bytes = this.queuedBytes;
      this.discard();
      this.onBacklog(bytes);
    }
  }

  /** Sends one text frame now, after whatever is queued (or when the socket drains, if it is full). */
  send(payload: string): void {
    const frame = encodeTextFrame(payload);
    if (this.queued.length === 0 && !this.awaitingDrain) return this.write(frame);
    this.queue(frame);
    this.flush();
  }

  /** Writes the queued frames, unless the socket is full (then `drain` will). */
  flush(): void {
    if (this.queued.length === 0 || this.awaitingDrain) return;
    const chunk = this.queued.length === 1 ? this.queued[0]! : Buffer.concat(this.queued, this.queuedBytes);
    this.discard();
    this.write(chunk);
  }

  private discard(): void {
    this.queued = [];
    this.queuedBytes = 0;
  }

  private write(chunk: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN || this.transport.destroyed) return;
    if (this.transport.write(chunk)) return;
    this.awaitingDrain = true;
    this.transport.once('drain', () => {
      this.awaitingDrain = false;
      this.flush();
    });
  }
}
