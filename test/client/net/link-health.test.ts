import { expect } from '@open-wc/testing';
import { LinkHealth } from '../../../client/net/link-health.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A link that counts its ICE restarts. */
function countingLink() {
  const link = {
    restarts: 0,
    restartIce: () => {
      link.restarts++;
      return true;
    },
  };
  return link;
}

describe('LinkHealth', () => {
  const open = () => true;

  it('restarts ICE at once when the path is lost, then at most once per doubling wait while it stays lost', () => {
    const clock = new ManualClock();
    const health = new LinkHealth(() => undefined, clock);
    const link = countingLink();
    health.iceStateChanged(link, 'disconnected', open);
    expect(link.restarts).to.equal(1);
    // Chromium says `disconnected` again after each restart that finds no path: no tight loop.
    for (let i = 0; i < 20; i++) health.iceStateChanged(link, 'disconnected', open);
    health.networkChanged(link, open);
    expect(link.restarts).to.equal(1);
    clock.advance(1_000);
    expect(link.restarts).to.equal(2);
    health.iceStateChanged(link, 'disconnected', open);
    clock.advance(1_999);
    expect(link.restarts).to.equal(2);
    clock.advance(1);
    expect(link.restarts).to.equal(3);
  });

  it('starts over once connected, and restarts nothing for a link that is gone', () => {
    const clock = new ManualClock();
    const health = new LinkHealth(() => undefined, clock);
    const link = countingLink();
    health.iceStateChanged(link, 'disconnected', open);
    health.iceStateChanged(link, 'connected', open);
    health.iceStateChanged(link, 'disconnected', open);
    expect(link.restarts).to.equal(2);
    // A restart waiting its turn is forgotten with the link.
    health.iceStateChanged(link, 'disconnected', open);
    health.dropped();
    clock.advance(60_000);
    expect(link.restarts).to.equal(2);
    let current = true;
    health.iceStateChanged(link, 'disconnected', () => current);
    expect(link.restarts).to.equal(3);
    health.iceStateChanged(link, 'disconnected', () => current);
    current = false;
    clock.advance(60_000);
    expect(link.restarts).to.equal(3);
  });
});
