/**
 * Each group's signed membership log as this browser holds it: the entries the server handed out
 * (checked, replayed by group-replay.ts, the result handed to the directory, which every membership
 * check of the app reads), and this user's own changes, signed and appended one at a time. The
 * server orders appends and refuses one that does not follow the log's last entry (`stale`): then
 * the change is signed again on the new last entry. Nothing here trusts the server's member list.
 */
import { ErrorCode } from '../../../shared/errors.js';
import { GROUP_LOG_FRAME_ENTRIES } from '../../../shared/group-log.js';
import { nameKey } from '../../../shared/names.js';
import type { GroupChange } from '../../../shared/group-log.js';
import type { ClientFrame, Group } from '../../../shared/protocol.js';
import { systemClock } from '../../net/clock.js';
import type { Clock } from '../../net/clock.js';
import type { DeviceKey } from '../identity/device-key.js';
import type { GroupEntryVerifier } from '../identity/group-signing.js';
import { readGroupEntry, signGroupChange, groupEntryHash } from '../identity/group-signing.js';
import type { Warn } from '../warn.js';
import type { Directory } from './directory.js';
import { replayGroupLog } from './group-replay.js';
import type { CheckedEntry, Replayed } from './group-replay.js';

export interface GroupLedgerDeps {
  readonly directory: Directory;
  /** Time for the pauses before a refused change goes again; injected so tests can step it. */
  readonly clock?: Clock;
  readonly key: Pick<DeviceKey, 'sign'>;
  readonly verifier: Pick<GroupEntryVerifier, 'verify'>;
  /** Sends on the signaling socket; false when it is not open. */
  send(frame: ClientFrame): boolean;
  /** Group `id`'s proven members changed; `added` are those admitted since the last replay. */
  admittedChanged(id: string, added: readonly string[]): void;
  /** Group `id`'s log forked: members were shown different histories. */
  forked(id: string): void;
  warn: Warn;
  now?: () => number;
}

/** A change this user makes, signed when it is its turn (on the log's last entry then). */
type Intent =
  | { kind: 'create'; group: Group; invitees: readonly string[] }
  | { kind: 'invite'; group: string; subjects: readonly string[] }
  | { kind: 'accept'; group: string }
  | { kind: 'leave'; group: string; done: () => void };

/** This user's change the server has not answered yet: what is left to send, and the hash awaited. */
interface Flight {
  readonly intent: Intent;
  readonly chunks: string[][];
  awaiting: string;
  readonly tries: number;
}

/** How often a change is signed again after another came first before it is given up. */
const MAX_TRIES = 5;
/** Head taken by someone else: how often to sign again, and the longest pause before (times tries, up to 4). */
const MAX_STALE_TRIES = 40;
const STALE_PAUSE_MS = 100;
/** The pause before a change refused as too fast is sent again (times the tries so far). */
export const RATE_LIMITED_PAUSE_MS = 1000;

interface Held {
  readonly texts: string[];
  readonly hashes: Set<string>;
  checked: CheckedEntry[];
}

export class GroupLedger {
  readonly #deps: GroupLedgerDeps;
  readonly #logs = new Map<string, Held>();
  readonly #replayed = new Map<string, Replayed>();
  /** Groups whose log has been replayed at least once (the directory knows them as signed). */
  readonly #signed = new Set<string>();
  /** Groups this user accepted whose accept is signed once the log shows the invitation. */
  readonly #accepting = new Set<string>();
  readonly #queue: Intent[] = [];
  #inFlight: Flight | null = null;
  readonly #clock: Clock;
  /** The pause before a refused change goes again, while one runs. */
  #pause: unknown;
  #closed = false;

  constructor(deps: GroupLedgerDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** Signed out: nothing more is signed or sent, a pause under way included; queued changes go. */
  close(): void {
    this.#closed = true;
    this.#clock.clearTimeout(this.#pause);
    this.#queue.length = 0;
    this.#inFlight = null;
  }

  /** The replayed log of group `id`, or null when it has none (yet) that verifies. */
  replayed(id: string): Replayed | null {
    return this.#replayed.get(id) ?? null;
  }

  /** The server's `group-log`: entries of group `id` (new ones, or the whole log again). */
  async received(id: string, texts: readonly string[]): Promise<void> {
    const held = this.#logs.get(id) ?? { texts: [], hashes: new Set<string>(), checked: [] };
    this.#logs.set(id, held);
    for (const text of texts) {
      const read = await readGroupEntry(text);
      if (!read) {
        this.#deps.warn(`the server sent a malformed entry of group ${id}: ignored`);
        continue;
      }
      if (held.hashes.has(read.hash)) continue;
      held.hashes.add(read.hash);
      held.texts.push(text);
      held.checked.push({ ...read, verified: false });
    }
    await this.#replay(id);
    const flight = this.#inFlight;
    if (flight && groupIdOf(flight.intent) === id && held.hashes.has(flight.awaiting)) {
      this.#chunkStored();
    }
    this.#acceptIfInvited(id);
  }

  /** Keys changed (a pin, a key the server hands out): every log is checked and replayed again. */
  async refresh(): Promise<void> {
    for (const id of this.#logs.keys()) await this.#replay(id);
  }

  /** This user is out of group `id`: its log is forgotten with it. */
  forget(id: string): void {
    this.#logs.delete(id);
    this.#replayed.delete(id);
    this.#signed.delete(id);
    this.#accepting.delete(id);
    this.#deps.directory.setAdmitted(id, null);
  }

  /** This user made `group`, inviting `invitees`: sign its first entry and the invitations. */
  created(group: Group, invitees: readonly string[]): void {
    this.#enqueue({ kind: 'create', group, invitees });
  }

  /** This user invites `subjects` to group `id` (the server's `group-add` goes alongside). */
  invite(id: string, subjects: readonly string[]): void {
    this.#enqueue({ kind: 'invite', group: id, subjects });
  }

  /** This user accepted group `id`'s invitation: sign the accept as soon as the log shows it. */
  accepted(id: string): void {
    this.#accepting.add(id);
    this.#acceptIfInvited(id);
  }

  /** Signs this user's leaving group `id` (nothing when its log does not admit them), then `done`. */
  leave(id: string, done: () => void): void {
    this.#enqueue({ kind: 'leave', group: id, done });
  }

  /** The session (re)started: a change whose answer was lost with the old socket is sent again. */
  resumed(): void {
    const flight = this.#inFlight;
    if (flight) this.#send(flight.intent, flight.tries);
  }

  /** The server refused this user's last `group-entry` with `code`. */
  failed(code: string): void {
    const flight = this.#inFlight;
    if (!flight) return;
    // Another member's change took the log's head first (16 invitees accepting at once take turns):
    // signed again on the new head once it has arrived, after a random pause that spreads them out.
    if (code === ErrorCode.GroupLogStale && flight.tries < MAX_STALE_TRIES) {
      this.#retry(flight, Math.random() * STALE_PAUSE_MS * Math.min(flight.tries, 4));
      return;
    }
    // Refused for now, not for what it says (sent while a sign-in was still under way, or in a
    // burst): sent again after a pause. Given up, an accept would never reach the log, and nobody
    // would ever admit this user to the group they agreed to join.
    if (code === ErrorCode.RateLimited && flight.tries < MAX_TRIES) {
      this.#retry(flight, RATE_LIMITED_PAUSE_MS * flight.tries);
      return;
    }
    this.#deps.warn(`group ${groupIdOf(flight.intent)}: the server refused a signed change (${code})`);
    this.#finish();
  }

  /** Signs and sends `flight` again after `pauseMs`, unless another change took its place meanwhile. */
  #retry(flight: Flight, pauseMs: number): void {
    this.#clock.clearTimeout(this.#pause);
    this.#pause = this.#clock.setTimeout(() => {
      if (this.#inFlight === flight) void this.#send(flight.intent, flight.tries + 1);
    }, pauseMs);
  }

  async #replay(id: string): Promise<void> {
    const held = this.#logs.get(id);
    if (!held) return;
    const { verifier } = this.#deps;
    held.checked = await Promise.all(
      held.checked.map(async (checked) => ({
        ...checked,
        verified: await verifier.verify(checked.entry, checked.hash),
      })),
    );
    // The group may have been left while the signatures were checked.
    if (this.#logs.get(id) !== held) return;
    const before = this.#replayed.get(id);
    const after = replayGroupLog(id, held.checked);
    if (after) this.#replayed.set(id, after);
    else this.#replayed.delete(id);
    // A group with a log is signed from then on: until an entry verifies (its signer's key unknown
    // yet), nobody is admitted — never the server's list instead.
    this.#deps.directory.setAdmitted(id, after?.members ?? (held.checked.length > 0 ? new Map() : null));
    if (after && after.forks.length > (before?.forks.length ?? 0)) this.#deps.forked(id);
    const added = [...(after?.members.keys() ?? [])].filter((user) => !before?.members.has(user));
    const lost = [...(before?.members.keys() ?? [])].some((user) => !after?.members.has(user));
    if (added.length > 0 || lost || !before !== !after || !this.#signed.has(id)) {
      this.#signed.add(id);
      this.#deps.admittedChanged(id, added);
    }
  }

  #acceptIfInvited(id: string): void {
    if (!this.#accepting.has(id)) return;
    if (!this.#replayed.get(id)?.invited.has(nameKey(this.#deps.directory.me))) return;
    this.#accepting.delete(id);
    this.#enqueue({ kind: 'accept', group: id });
  }

  #enqueue(intent: Intent): void {
    if (this.#closed) return;
    this.#queue.push(intent);
    if (!this.#inFlight) this.#next();
  }

  #next(): void {
    const intent = this.#queue.shift();
    if (intent) void this.#send(intent, 1);
  }

  /** Signs `intent` on the log's last entry as known now and sends it; finishes it if nothing is to sign. */
  async #send(intent: Intent, tries: number): Promise<void> {
    // In flight from now, before signing yields: a change queued meanwhile waits its turn.
    if (this.#closed) return;
    const flight: Flight = { intent, chunks: [], awaiting: '', tries };
    this.#inFlight = flight;
    const texts = await this.#sign(intent);
    // Closed (or replaced) while signing: `close` cleared the flight.
    if (this.#inFlight !== flight) return;
    for (let start = 0; start < texts.length; start += GROUP_LOG_FRAME_ENTRIES) {
      flight.chunks.push(texts.slice(start, start + GROUP_LOG_FRAME_ENTRIES));
    }
    if (flight.chunks.length === 0) this.#finish();
    else await this.#sendChunk();
  }

  async #sendChunk(): Promise<void> {
    const flight = this.#inFlight;
    const chunk = flight?.chunks.shift();
    if (!flight || !chunk) return;
    flight.awaiting = await groupEntryHash(chunk[chunk.length - 1]!);
    if (this.#inFlight !== flight) return;
    // A socket that is down loses it; `resumed` sends the change again.
    this.#deps.send({ type: 'group-entry', group: groupIdOf(flight.intent), entries: chunk });
  }

  #chunkStored(): void {
    const flight = this.#inFlight;
    if (!flight) return;
    if (flight.chunks.length > 0) void this.#sendChunk();
    else this.#finish();
  }

  #finish(): void {
    const flight = this.#inFlight;
    this.#inFlight = null;
    if (flight?.intent.kind === 'leave') flight.intent.done();
    this.#next();
  }

  /** The entries `intent` needs now, signed in chain order; none when there is nothing (more) to sign. */
  async #sign(intent: Intent): Promise<string[]> {
    const { me } = this.#deps.directory;
    const id = groupIdOf(intent);
    const replayed = this.#replayed.get(id);
    const at = (this.#deps.now ?? Date.now)();
    const changes: GroupChange[] = [];
    switch (intent.kind) {
      case 'create':
        if (replayed || this.#logs.get(id)?.texts.length) return [];
        changes.push({ group: id, kind: 'create', actor: me, at, name: intent.group.name });
        for (const subject of new Set(intent.invitees)) {
          if (subject !== me) changes.push({ group: id, kind: 'invite', actor: me, subject, at });
        }
        break;
      case 'invite':
        if (!replayed?.members.has(me)) return [];
        for (const subject of new Set(intent.subjects)) {
          if (!replayed.members.has(subject) && !replayed.invited.has(nameKey(subject))) {
            changes.push({ group: id, kind: 'invite', actor: me, subject, at });
          }
        }
        break;
      case 'accept':
        if (!replayed?.invited.has(nameKey(me))) return [];
        changes.push({ group: id, kind: 'accept', actor: me, at });
        break;
      case 'leave':
        if (!replayed?.members.has(me)) return [];
        changes.push({ group: id, kind: 'leave', actor: me, at });
        break;
    }
    const texts: string[] = [];
    let prev = replayed?.head;
    for (const change of changes) {
      const text = await signGroupChange(this.#deps.key, prev === undefined ? change : { ...change, prev });
      texts.push(text);
      prev = await groupEntryHash(text);
    }
    return texts;
  }
}

function groupIdOf(intent: Intent): string {
  return intent.kind === 'create' ? intent.group.id : intent.group;
}
