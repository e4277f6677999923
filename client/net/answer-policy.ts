/**
 * Who may make this browser answer a WebRTC connection. Answering gathers ICE candidates and hands
 * them to the other side: host and server-reflexive candidates are this device's IP addresses. The
 * mesh asks its `AnswerPolicy` before every connection the *other* side started or asked for (their
 * `connect` request, or an offer for a new connection), and never for one this side wants itself.
 * The policy lives in the app, which knows who the person talks to; the mesh only applies the answer.
 */

/**
 * `answer`: as usual. `relay`: answer through TURN only (`iceTransportPolicy: 'relay'` for this one
 * connection), so the other side learns the relay's address, never ours. `refuse`: ignore the
 * request; nothing is made and no candidate is sent (the peer retries later, by its own backoff).
 */
export type AnswerDecision = 'answer' | 'relay' | 'refuse';

export interface AnswerPolicy {
  /** `peer` asks for a new connection this side did not want: how to answer it. */
  decide(peer: string): AnswerDecision;
  /** The connection `decide` let through is gone (closed, failed or replaced). Called once for each. */
  ended(peer: string): void;
}

/**
 * The ICE transport policy of a connection answered with `decision`; `forced` (a test switch that
 * relays everything) wins. Undefined: the browser's default, every candidate.
 */
export function transportFor(
  decision: Exclude<AnswerDecision, 'refuse'>,
  forced: RTCIceTransportPolicy | undefined,
): RTCIceTransportPolicy | undefined {
  return forced ?? (decision === 'relay' ? 'relay' : undefined);
}
