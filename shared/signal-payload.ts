/**
 * What a peer sends another through the signaling relay to set up their connection. It lives apart from
 * peer-protocol.ts so that protocol.ts can bound what the server relays by the same shape the receiving
 * peer checks (peer-protocol.ts imports protocol.ts, so the schema cannot live there).
 * The server checks the shape only; it never interprets an SDP.
 */
import * as z from 'zod';
import { ErrorCode, ProtocolError } from './errors.js';

/** The longest SDP a peer relays; real ones are a few KB. */
export const MAX_SDP_LENGTH = 32 * 1024;

/** What simple-peer emits as `signal`: an SDP or an ICE candidate. Shape-checked, never interpreted here. */
const SdpSignal = z.looseObject({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback', 'renegotiate', 'transceiverRequest', 'candidate']),
  sdp: z.string().max(MAX_SDP_LENGTH).optional(),
  candidate: z.unknown().optional(),
});

/**
 * `connect`: "please start a connection to me" — sent by the side the glare rule says must not
 * initiate. `sdp`: one signal of the connection attempt `cid`, chosen by the initiator; a new `cid`
 * replaces the previous connection, and signals of any other `cid` are stale.
 */
export const SignalPayload = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('connect') }),
  z.strictObject({ kind: z.literal('sdp'), cid: z.string().regex(/^[0-9a-f]{16,32}$/), signal: SdpSignal }),
]);
export type SignalPayload = z.infer<typeof SignalPayload>;

/** Validates the `data` of a relayed signal. Throws `ProtocolError`. */
export function parseSignalPayload(data: unknown): SignalPayload {
  const result = SignalPayload.safeParse(data);
  if (!result.success) throw new ProtocolError(ErrorCode.BadFrame, 'bad signal payload');
  return result.data;
}
