/**
 * Joins a `welcome` whose online list continues in `online-more` frames (a list past one frame, see
 * `Capability.OnlinePieces`) back into one welcome, so the app sees a single snapshot.
 */
import type { OnlineMoreFrame, ServerFrame, WelcomeFrame } from '../../shared/protocol.js';

/** Server frames as the app sees them: the pieces of a welcome are joined. */
export type AssembledFrame = Exclude<ServerFrame, OnlineMoreFrame>;

export class WelcomePieces {
  #held: WelcomeFrame | null = null;

  /** The frames to hand on now: none while a welcome waits for its pieces. */
  take(frame: ServerFrame): AssembledFrame[] {
    if (frame.type === 'online-more') {
      const held = this.#held;
      // A piece without its welcome is out of place; there is nothing to add it to.
      if (!held) return [];
      held.online.push(...frame.users);
      if (frame.keys) held.keys = [...(held.keys ?? []), ...frame.keys];
      return frame.last ? this.#release() : [];
    }
    // Anything else ends the wait: order is kept, whatever pieces did not come are missing.
    const before = this.#release();
    if (frame.type === 'welcome' && frame.more) {
      this.#held = { ...frame, online: [...frame.online], ...(frame.keys ? { keys: [...frame.keys] } : {}) };
      delete this.#held.more;
      return before;
    }
    return [...before, frame];
  }

  /** A new socket: a half-received welcome is dropped. */
  reset(): void {
    this.#held = null;
  }

  #release(): AssembledFrame[] {
    const held = this.#held;
    this.#held = null;
    return held ? [held] : [];
  }
}
