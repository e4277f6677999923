import { expect } from '@open-wc/testing';
import { routeOf } from '../../../client/net/link-route.js';

type Entry = Record<string, unknown> & { id: string; type: string };

function report(...entries: Entry[]): Map<string, unknown> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

const candidate = (id: string, candidateType: string, extra: Record<string, unknown> = {}): Entry => ({
  id,
  type: id.startsWith('L') ? 'local-candidate' : 'remote-candidate',
  candidateType,
  ...extra,
});
const pair = (id: string, extra: Record<string, unknown> = {}): Entry => ({
  id,
  type: 'candidate-pair',
  localCandidateId: `L${id}`,
  remoteCandidateId: `R${id}`,
  ...extra,
});
const transport = (selectedCandidatePairId?: string): Entry => ({
  id: 'T',
  type: 'transport',
  ...(selectedCandidatePairId ? { selectedCandidatePairId } : {}),
});

describe('routeOf', () => {
  const cases: Array<[string, Map<string, unknown>, 'direct' | 'relayed' | null]> = [
    [
      'host to host, named by the transport (Chromium)',
      report(transport('1'), pair('1'), candidate('L1', 'host'), candidate('R1', 'host')),
      'direct',
    ],
    [
      'a relay candidate on this side',
      report(transport('1'), pair('1'), candidate('L1', 'relay'), candidate('R1', 'host')),
      'relayed',
    ],
    [
      'a relay candidate on the other side',
      report(transport('1'), pair('1'), candidate('L1', 'srflx'), candidate('R1', 'relay')),
      'relayed',
    ],
    [
      'a peer-reflexive candidate learnt over the relay',
      report(
        transport('1'),
        pair('1'),
        candidate('L1', 'prflx', { relayProtocol: 'udp' }),
        candidate('R1', 'prflx'),
      ),
      'relayed',
    ],
    [
      'the selected pair, not another one that is relayed',
      report(
        transport('1'),
        pair('1'),
        candidate('L1', 'host'),
        candidate('R1', 'host'),
        pair('2'),
        candidate('L2', 'relay'),
        candidate('R2', 'relay'),
      ),
      'direct',
    ],
    [
      'a pair marked selected (Firefox)',
      report(transport(), pair('2', { selected: true }), candidate('L2', 'relay'), candidate('R2', 'host')),
      'relayed',
    ],
    [
      'the nominated pair that succeeded',
      report(
        pair('1', { nominated: true, state: 'in-progress' }),
        candidate('L1', 'relay'),
        candidate('R1', 'relay'),
        pair('2', { nominated: true, state: 'succeeded' }),
        candidate('L2', 'host'),
        candidate('R2', 'srflx'),
      ),
      'direct',
    ],
    ['no pair selected yet', report(transport(), pair('1'), candidate('L1', 'host')), null],
    ['a pair whose candidates are missing', report(transport('1'), pair('1')), null],
    ['an empty report', report(), null],
  ];
  for (const [name, stats, route] of cases) {
    it(`reads ${name} as ${route}`, () => {
      expect(routeOf(stats)).to.equal(route);
    });
  }
});
