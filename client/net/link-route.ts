/**
 * How an open WebRTC connection runs: straight between the two browsers (`direct`, host or STUN
 * candidates) or through a TURN server (`relayed`). Read from the selected candidate pair in
 * `getStats()`, the one place the browser says which path it picked.
 */
export type LinkRoute = 'direct' | 'relayed';

/** A stats entry as the report holds it; only the fields read here. */
interface StatsEntry {
  type: string;
  id: string;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
  relayProtocol?: string;
  nominated?: boolean;
  selected?: boolean;
  state?: string;
}

/**
 * The route of the selected candidate pair in `report`, or null when none is selected (yet): relayed
 * when either end's candidate is a TURN relay candidate, else direct.
 */
export function routeOf(report: ReadonlyMap<string, unknown>): LinkRoute | null {
  const entries = [...report.values()] as StatsEntry[];
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  // Chromium names the pair on the transport; Firefox marks it `selected`; the spec's fallback is
  // the nominated pair that succeeded.
  const transportPair = entries.find((entry) => entry.type === 'transport')?.selectedCandidatePairId;
  const pair =
    (transportPair ? byId.get(transportPair) : undefined) ??
    entries.find((entry) => entry.type === 'candidate-pair' && entry.selected === true) ??
    entries.find(
      (entry) => entry.type === 'candidate-pair' && entry.nominated && entry.state === 'succeeded',
    );
  if (!pair?.localCandidateId || !pair.remoteCandidateId) return null;
  const local = byId.get(pair.localCandidateId);
  const remote = byId.get(pair.remoteCandidateId);
  if (!local || !remote) return null;
  // A local candidate learnt over the relay may say `prflx` but still carries its `relayProtocol`.
  const relayed =
    local.candidateType === 'relay' || remote.candidateType === 'relay' || !!local.relayProtocol;
  return relayed ? 'relayed' : 'direct';
}
