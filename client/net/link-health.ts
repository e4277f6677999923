/**
 * What is known of how one peer's connection runs, besides whether it is open: its route (direct
 * or relayed, read from the link's stats whenever ICE settles on a path), whether the last attempt
 * failed for want of a path, and keeping an open link's path alive — an ICE restart when ICE loses
 * the path or the device's network changes, before ICE gives up and closes the channel. The mesh
 * owns the links and tells this what happened to them; one `LinkHealth` per peer.
 */
import type { LinkRoute } from './link-route.js';

/** What health needs of a link; both optional, as a link that cannot tell is still a link. */
export interface HealthLink {
  /** How the open connection runs; absent: not known. */
  route?(): Promise<LinkRoute | null>;
  /** Looks for a new path without closing; false when this side leaves that to the other. */
  restartIce?(): boolean;
}

export class LinkHealth {
  readonly #changed: () => void;
  #route: LinkRoute | null = null;
  #failed = false;
  /** The current link was refused by the gate: its close says nothing about the network. */
  #refused = false;

  /** `changed`: what is known changed (a route was read) while the link stayed open. */
  constructor(changed: () => void) {
    this.#changed = changed;
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
  }

  /** ICE's state changed on the open `link`; `current` says whether it still is the open link. */
  iceStateChanged(link: HealthLink, state: RTCIceConnectionState, current: () => boolean): void {
    // The path is gone (a network change, a relay restarting): look for a new one before ICE gives
    // up, which would close the channel. If that fails too, the mesh's close handling retries.
    if (state === 'disconnected') link.restartIce?.();
    if (state === 'connected' || state === 'completed') this.#read(link, current);
  }

  /** The device's network may have changed: the open `link` looks for a new path. */
  networkChanged(link: HealthLink): void {
    link.restartIce?.();
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
