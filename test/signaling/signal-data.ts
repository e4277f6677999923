/** A valid relayed signal payload carrying `value` as its SDP, so tests can tell signals apart. */
export function sdp(value: unknown): { kind: 'sdp'; cid: string; signal: { type: 'offer'; sdp: string } } {
  return { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'offer', sdp: String(value) } };
}
