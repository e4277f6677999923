/**
 * What is known of how one peer's connection runs, besides whether it is open: its route (direct
 * or relayed, read from the link's stats whenever ICE settles on a path), whether the last attempt
 * failed for want of a path, and keeping an open link's path alive — an ICE restart when ICE loses
 * the path or the device's network changes, before ICE gives up and closes the channel. The mesh
 * owns the links and tells this what happened to them; one `LinkHealth` per peer.
 */
import { RetryDelay } from './clock.js';
import type { Clock } from './clock.js';
import type { LinkRoute } from './link-route.js';

/** What health needs of a link; both optional, as a link that cannot tell is still a link. */
export interface HealthLink {
  /** How the open connection runs; absent: not known. */
  route?(): Promise<LinkRoute | null>;
  /** Looks for a new path without closing; false when this side leaves that to the other. */
  restartIce?(): boolean;
}

/**
 * The first ICE restart of a lost path goes at once, the next no sooner than 1 s after it, each wait
 * doubling up to 10 s while the path stays lost; a connected path starts over.
 */
const FIRST_RESTART_WAIT_MS = 1_000;
const MAX_RESTART_WAIT_MS = 10_000;

export class LinkHealth {
  readonly #changed: () => void;
  readonly #clock: Clock;
  #route: LinkRoute | null = null;
  #failed = false;
  /** The current link was refused by the gate: its close says nothing about the network. */
  #refused = false;
  readonly #restartWait = new RetryDelay(FIRST_RESTART_WAIT_MS, MAX_RESTART_WAIT_MS);
  /** No ICE restart before this time; one asked for earlier waits for it in `#restartTimer`. */
  #nextRestartAt = 0;
  #restartTimer: unknown = null;

  /** `changed`: what is known changed (a route was read) while the link stayed open. */
  constructor(changed: () => void, clock: Clock) {
    this.#changed = changed;
    this.#clock = clock;
  }

  /** How the open link runs; null while not open or not known yet. */
  get route(): LinkRoute | null {
    return this.#route;
  }

  /**
   * The last attempt ended without opening (ICE failed, or no connection within the timeout), and
   * none opened since. Not when the gate refused the link: the network carried it, the peer failed.
   */
  get failed(): boolean {
    return this.#failed;
  }

  /** `link` passed the gate: earlier failures are forgotten and its route is read. */
  opened(link: HealthLink, current: () => boolean): void {
    this.#failed = false;
    this.#read(link, current);
  }

  /** The gate refused the link (the peer could not prove who it is, or flooded before proving it). */
  refused(): void {
    this.#refused = true;
    this.#failed = false;
  }

  /** The current link closed; `wasOpen`: after it had passed the gate. */
  closed(wasOpen: boolean): void {
    if (!wasOpen && !this.#refused) this.#failed = true;
  }

  /** The link is gone (closed, replaced, or its peer offline): the next one starts unknown. */
  dropped(): void {
    this.#route = null;
    this.#refused = false;
    this.#clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#nextRestartAt = 0;
    this.#restartWait.reset();
  }

  /** ICE's state changed on the open `link`; `current` says whether it still is the open link. */
  iceStateChanged(link: HealthLink, state: RTCIceConnectionState, current: () => boolean): void {
    // The path is gone (a network change, a relay restarting): look for a new one before ICE gives
    // up, which would close the channel. If that fails too, the mesh's close handling retries.
    if (state === 'disconnected') this.#restart(link, current);
    if (state !== 'connected' && state !== 'completed') return;
    this.#nextRestartAt = 0;
    this.#restartWait.reset();
    this.#read(link, current);
  }

  /** The device's network may have changed: the open `link` looks for a new path. */
  networkChanged(link: HealthLink, current: () => boolean): void {
    this.#restart(link, current);
  }

  /**
   * Restarts ICE now, or once the wait since the last restart is over. While no path is found
   * (the relay is still down) Chromium reports `disconnected` again after each restart: restarting
   * at once every time offers in a tight loop, which the server's signal limit then cuts, losing
   * the very offer or answer that would have recovered.
   */
  #restart(link: HealthLink, current: () => boolean): void {
    if (this.#restartTimer !== null) return;
    const restart = (): void => {
      this.#restartTimer = null;
      if (!current()) return;
      this.#nextRestartAt = this.#clock.now() + this.#restartWait.take();
      link.restartIce?.();
    };
    const wait = this.#nextRestartAt - this.#clock.now();
    if (wait <= 0) restart();
    else this.#restartTimer = this.#clock.setTimeout(restart, wait);
  }

  /** Reads the route of `link` once its path is (newly) chosen, and reports it when it changed. */
  #read(link: HealthLink, current: () => boolean): void {
    void link.route?.().then((route) => {
      if (!current() || route === this.#route) return;
      this.#route = route;
      this.#changed();
    });
  }
}
