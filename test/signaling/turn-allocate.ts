/**
 * A minimal TURN client for tests: one Allocate over UDP with long-term credentials (RFC 5766 §6,
 * RFC 5389 §10.2): a first request without credentials is answered 401 with REALM and NONCE; the
 * second carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY = HMAC-SHA1(MD5(user:realm:pass), msg).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const BINDING_REQUEST = 0x0001;
const Attr = {
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedTransport: 0x0019,
} as const;
/** Per try; a lost UDP datagram is retried, as RFC 5389 §7.2.1 has clients do. */
const TRY_TIMEOUT_MS = 500;
const TRIES = 6;

export type AllocateResult =
  { ok: true; relayed: { address: string; port: number } } | { ok: false; code: number; reason: string };

interface Message {
  type: number;
  attributes: Map<number, Buffer>;
}

function encode(type: number, transaction: Buffer, attributes: Array<[number, Buffer]>): Buffer {
  const parts = attributes.map(([kind, value]) => {
    const header = Buffer.alloc(4);
    header.writeUInt16BE(kind, 0);
    header.writeUInt16BE(value.length, 2);
    return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  });
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transaction.copy(header, 8);
  return Buffer.concat([header, body]);
}

/** Appends MESSAGE-INTEGRITY: the HMAC covers the message with its length already counting the attribute. */
function withIntegrity(message: Buffer, key: Buffer): Buffer {
  const counted = Buffer.from(message);
  counted.writeUInt16BE(message.length - 20 + 24, 2);
  const hmac = createHmac('sha1', key).update(counted).digest();
  const attribute = Buffer.alloc(4);
  attribute.writeUInt16BE(Attr.MessageIntegrity, 0);
  attribute.writeUInt16BE(20, 2);
  return Buffer.concat([counted, attribute, hmac]);
}

function decode(data: Buffer): Message {
  const attributes = new Map<number, Buffer>();
  for (let offset = 20; offset + 4 <= data.length;) {
    const kind = data.readUInt16BE(offset);
    const length = data.readUInt16BE(offset + 2);
    attributes.set(kind, data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: data.readUInt16BE(0), attributes };
}

function errorOf(message: Message): { code: number; reason: string } {
  const value = message.attributes.get(Attr.ErrorCode);
  if (!value) return { code: 0, reason: `no ERROR-CODE in response type 0x${message.type.toString(16)}` };
  // coturn ends the reason phrase with a NUL.
  const reason = value.subarray(4).toString('utf8').replace(/\0+$/, '');
  return { code: (value[2]! & 0x07) * 100 + value[3]!, reason };
}

function xorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const address = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff)).join('.');
  return { address, port };
}

/** Sends `request` on `socket` until a response with its transaction id arrives (bounded tries). */
function transact(socket: Socket, host: string, port: number, request: Buffer): Promise<Message> {
  return new Promise<Message>((resolve, reject) => {
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
    };
    const onMessage = (data: Buffer): void => {
      if (data.length < 20 || !data.subarray(8, 20).equals(request.subarray(8, 20))) return;
      done();
      resolve(decode(data));
    };
    const onError = (error: Error): void => (done(), reject(error));
    const send = (): void => {
      if (tries++ === TRIES) return (done(), reject(new Error(`no STUN response from ${host}:${port}`)));
      socket.send(request, port, host);
      timer = setTimeout(send, TRY_TIMEOUT_MS);
    };
    socket.on('message', onMessage);
    socket.on('error', onError);
    send();
  });
}

/** Runs `use` with a UDP socket of its own: coturn ties a nonce to the client's address and port. */
async function withSocket<T>(use: (socket: Socket) => Promise<T>): Promise<T> {
  const socket = createSocket('udp4');
  try {
    return await use(socket);
  } finally {
    socket.close();
  }
}

/** One STUN Binding request: resolves once the server answers anything. */
export async function stunBinding(host: string, port: number): Promise<void> {
  await withSocket((socket) => transact(socket, host, port, encode(BINDING_REQUEST, randomBytes(12), [])));
}

/** Asks a TURN server for a UDP relay with a username and password (e.g. a Parley-issued credential). */
export async function allocate(
  host: string,
  port: number,
  username: string,
  password: string,
): Promise<AllocateResult> {
  return withSocket(async (socket) => {
    const transport: [number, Buffer] = [Attr.RequestedTransport, Buffer.from([17, 0, 0, 0])];
    const challenge = await transact(
      socket,
      host,
      port,
      encode(ALLOCATE_REQUEST, randomBytes(12), [transport]),
    );
    const realm = challenge.attributes.get(Attr.Realm);
    const nonce = challenge.attributes.get(Attr.Nonce);
    if (!realm || !nonce) return { ok: false, ...errorOf(challenge) };

    const key = createHash('md5')
      .update(`${username}:${realm.toString('utf8')}:${password}`)
      .digest();
    const request = withIntegrity(
      encode(ALLOCATE_REQUEST, randomBytes(12), [
        transport,
        [Attr.Username, Buffer.from(username, 'utf8')],
        [Attr.Realm, realm],
        [Attr.Nonce, nonce],
      ]),
      key,
    );
    const answer = await transact(socket, host, port, request);
    const relayed = answer.attributes.get(Attr.XorRelayedAddress);
    if (answer.type === ALLOCATE_SUCCESS && relayed) return { ok: true, relayed: xorAddress(relayed) };
    return { ok: false, ...errorOf(answer) };
  });
}
