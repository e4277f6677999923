/**
 * The server↔client protocol: one schema per frame, the unions of what each side may send, and the
 * one parse function per direction. Both directions are untrusted: the server parses client frames
 * with `parseClientFrame`, the client parses server frames with `parseServerFrame`.
 */
import * as z from 'zod';
import { ErrorCode, ProtocolError } from './errors.js';
import { GROUP_LOG_FRAME_ENTRIES, MAX_GROUP_ENTRY_LENGTH } from './group-log.js';
import { PublicIdentity } from './identity-protocol.js';
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH } from './names.js';
import { SignalPayload } from './signal-payload.js';

export const PROTOCOL_VERSION = 1;

/** The largest WebSocket frame either side accepts (the server's `maxPayload`). */
export const MAX_FRAME_BYTES = 64 * 1024;

export const GROUP_NAME_MAX_LENGTH = 64;
/** A group is a full mesh of data channels; see docs/architecture.md for how far that goes. */
export const MAX_GROUP_MEMBERS = 256;
/** How many groups one user may be in: each is a mesh of connections to keep. */
export const MAX_GROUPS_PER_USER = 200;
/** How many invitations may wait for one user: past it, nobody can invite them until they answer some. */
export const MAX_PENDING_INVITATIONS = 50;

/** A name as it travels: bounded, but the naming rules are checked by the server on register. */
const Username = z
  .string()
  .min(1)
  .max(USERNAME_MAX_LENGTH * 4);
/** What a client receives: opaque here, checked by the peer layer with `parseSignalPayload`. */
const SignalData = z.unknown().refine((value) => value !== undefined, 'data is required');

const IceServer = z.object({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;
export const IceServerList = z.array(IceServer).max(16);

/**
 * Features a client may announce in `register`, `login` or `resume` (`capabilities`), so the server
 * sends newer frames only to clients that handle them. Unknown names are ignored, never refused.
 */
export const Capability = {
  /** The client handles `ice-servers` (fresh TURN credentials before the ones it has expire). */
  IceRefresh: 'ice-refresh',
  /**
   * The client takes a `welcome` whose `online` list continues in `online-more` frames (a list past
   * one frame: ~4,500 names). Without it, the names that do not fit follow as `user-online` frames.
   */
  OnlinePieces: 'online-pieces',
  /**
   * The client takes the device keys of people online: `keys` in `welcome` and `online-more`,
   * `identity` in `user-online`. Older clients parse frames strictly, so only those who ask get them.
   */
  IdentityKeys: 'identity-keys',
  /**
   * The client takes `group-log` frames (each group's signed membership log, shared/group-log.ts)
   * after the `welcome` and when a member accepts; older clients would refuse the frame type.
   */
  GroupLog: 'group-log',
  /**
   * The client takes `users-offline`: the users who went offline in one turn, in as few frames as fit
   * (a dead node's 5,000 users are one frame each to every user, not 5,000). Without it, one
   * `user-offline` each, which every client version handles.
   */
  UsersOffline: 'users-offline',
} as const;
export type Capability = (typeof Capability)[keyof typeof Capability];
const Capabilities = z.array(z.string().max(32)).max(16).optional();

/** Raw public key sizes: Ed25519 keys are 32 bytes, P-256 keys 65 (uncompressed, starting 0x04). */
const KEY_HEX_LENGTH = { Ed25519: 64, 'P-256': 130 } as const;

/**
 * The device key a client announces at sign-in (device-key.ts makes it): the generic shape, and the
 * exact size its algorithm has, so nothing but a real public key's bytes is stored and handed out.
 */
export const DeviceIdentity = PublicIdentity.refine(
  (identity) =>
    identity.key.length === KEY_HEX_LENGTH[identity.alg] &&
    (identity.alg !== 'P-256' || identity.key.startsWith('04')),
  'not a public key of its algorithm',
);
/** Sent with `register`, `login` and `resume` by clients that have a device key; a hint for others. */
const SignInIdentity = DeviceIdentity.optional();

// ── client → server ────────────────────────────────────────────────────────────────────────────

const Register = z.strictObject({
  type: z.literal('register'),
  version: z.number().int(),
  username: z.string().max(USERNAME_MAX_LENGTH * 4),
  password: z.string().max(PASSWORD_MAX_LENGTH * 4),
  capabilities: Capabilities,
  identity: SignInIdentity,
});
const Login = z.strictObject({
  type: z.literal('login'),
  version: z.number().int(),
  username: z.string().max(USERNAME_MAX_LENGTH * 4),
  password: z.string().max(PASSWORD_MAX_LENGTH * 4),
  capabilities: Capabilities,
  identity: SignInIdentity,
});
const Resume = z.strictObject({
  type: z.literal('resume'),
  version: z.number().int(),
  token: z.string().min(1).max(256),
  capabilities: Capabilities,
  identity: SignInIdentity,
});
const Logout = z.strictObject({ type: z.literal('logout') });
/**
 * What a client may ask the server to relay: only the shape peers accept (`SignalPayload`), so the relay
 * cannot carry arbitrary JSON to a victim. The shape is checked; no SDP is ever interpreted.
 */
const SignalOut = z.strictObject({ type: z.literal('signal'), to: Username, data: SignalPayload });
/** Ends every other session of the account and sets a new password; answered with a fresh `welcome`. */
const ChangePassword = z.strictObject({
  type: z.literal('change-password'),
  oldPassword: z.string().max(PASSWORD_MAX_LENGTH * 4),
  newPassword: z.string().max(PASSWORD_MAX_LENGTH * 4),
});
/** Ends every session of the account, this one included; answered with `logged-out`. */
const LogoutEverywhere = z.strictObject({ type: z.literal('logout-everywhere') });

/** Server-chosen group ids: 'g' and 24 hex digits. */
export const GroupIdSchema = z.string().regex(/^g[0-9a-f]{24}$/, 'not a group id');
/** Trimmed by the server; 1–64 characters after trimming. */
const GroupNameInput = z.string().max(GROUP_NAME_MAX_LENGTH * 4);
const MemberList = z.array(Username).max(MAX_GROUP_MEMBERS);

const GroupCreate = z.strictObject({
  type: z.literal('group-create'),
  name: GroupNameInput,
  members: MemberList,
});
const GroupAdd = z.strictObject({
  type: z.literal('group-add'),
  group: GroupIdSchema,
  members: MemberList.min(1),
});
const GroupLeave = z.strictObject({ type: z.literal('group-leave'), group: GroupIdSchema });
/** The invitee's answer to a `group-invite`: join the group, or drop the invitation. */
const GroupAccept = z.strictObject({ type: z.literal('group-accept'), group: GroupIdSchema });
const GroupDecline = z.strictObject({ type: z.literal('group-decline'), group: GroupIdSchema });
/**
 * Appends the sender's signed changes (shared/group-log.ts) to a group's log, in order. The server
 * checks each one's shape, that it is the sender's, that the sender is a member and that each follows
 * the log's last entry; it stops at the first it refuses.
 */
const GroupEntryOut = z.strictObject({
  type: z.literal('group-entry'),
  group: GroupIdSchema,
  entries: z.array(z.string().min(1).max(MAX_GROUP_ENTRY_LENGTH)).min(1).max(GROUP_LOG_FRAME_ENTRIES),
});
/**
 * An application-level heartbeat, answered by `pong`: a browser cannot see the WebSocket's own pings,
 * so without it a server that vanished without a TCP reset would be noticed only much later.
 */
const Ping = z.strictObject({ type: z.literal('ping') });

export const ClientFrame = z.discriminatedUnion('type', [
  Register,
  Login,
  Resume,
  Logout,
  LogoutEverywhere,
  ChangePassword,
  SignalOut,
  GroupCreate,
  GroupAdd,
  GroupLeave,
  GroupAccept,
  GroupDecline,
  GroupEntryOut,
  Ping,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];

// ── server → client ────────────────────────────────────────────────────────────────────────────

/** A group as members see it; `since` is when each member joined (server clock, ms). */
export const GroupSchema = z.strictObject({
  id: GroupIdSchema,
  name: z
    .string()
    .min(1)
    .max(GROUP_NAME_MAX_LENGTH * 2),
  creator: Username,
  createdAt: z.number().int().nonnegative(),
  members: z
    .array(z.strictObject({ user: Username, since: z.number().int().nonnegative() }))
    .min(1)
    .max(MAX_GROUP_MEMBERS),
});
export type Group = z.infer<typeof GroupSchema>;

/** A person online and the device key their session announced: a hint, checked against their hello. */
const OnlineKey = z.strictObject({ user: Username, identity: PublicIdentity });
export type OnlineKey = z.infer<typeof OnlineKey>;
/** The keys of the names in the same frame's list (`Capability.IdentityKeys`); absent for keyless ones. */
const OnlineKeys = z.array(OnlineKey).optional();

const Welcome = z.strictObject({
  type: z.literal('welcome'),
  version: z.number().int(),
  /** The account's canonical spelling. */
  user: Username,
  /** Present the session token again with `resume` to skip the password. */
  token: z.string().min(1).max(256),
  /** Milliseconds since the epoch. */
  expiresAt: z.number(),
  iceServers: IceServerList,
  /** Everyone else who is online at this moment; deltas follow. */
  online: z.array(Username),
  /** The groups the user belongs to (not the Lobby, which is everyone online). */
  groups: z.array(GroupSchema).max(1000),
  /** `online` continues in `online-more` frames (only to clients announcing `online-pieces`). */
  more: z.literal(true).optional(),
  keys: OnlineKeys,
});
/** More of the `welcome`'s `online` list, right after it; `last` on the final piece. */
const OnlineMore = z.strictObject({
  type: z.literal('online-more'),
  users: z.array(Username),
  last: z.boolean(),
  keys: OnlineKeys,
});
export type OnlineMoreFrame = z.infer<typeof OnlineMore>;
/** A group was created with the user in it, or its name or members changed. */
const GroupUpdate = z.strictObject({ type: z.literal('group-update'), group: GroupSchema });
/**
 * The user is invited to a group: its name and who invited, nothing else of it (not its members)
 * until they accept. Sent when invited, and after each `welcome` for every invitation waiting.
 */
export const GroupInviteSchema = z.strictObject({
  type: z.literal('group-invite'),
  group: GroupIdSchema,
  name: z
    .string()
    .min(1)
    .max(GROUP_NAME_MAX_LENGTH * 2),
  inviter: Username,
});
export type GroupInvite = z.infer<typeof GroupInviteSchema>;
/** The user is no longer in the group (they left it), or no longer invited (they declined). */
const GroupRemoved = z.strictObject({ type: z.literal('group-removed'), group: GroupIdSchema });
/**
 * Entries of a group's log, oldest first (`Capability.GroupLog`): the whole log in pieces after the
 * `welcome` (and to a member who just accepted), each new entry as it is appended. Opaque to the
 * server; members replay it.
 */
const GroupLogFrame = z.strictObject({
  type: z.literal('group-log'),
  group: GroupIdSchema,
  entries: z.array(z.string().min(1).max(MAX_GROUP_ENTRY_LENGTH)).min(1).max(GROUP_LOG_FRAME_ENTRIES),
});
export type GroupLogFrame = z.infer<typeof GroupLogFrame>;
/** `identity`: the device key the user's session announced (to clients with `Capability.IdentityKeys`). */
const UserOnline = z.strictObject({
  type: z.literal('user-online'),
  user: Username,
  identity: PublicIdentity.optional(),
});
const UserOffline = z.strictObject({ type: z.literal('user-offline'), user: Username });
/** Several users offline at once (`Capability.UsersOffline`), as many as fit one frame. */
const UsersOffline = z.strictObject({ type: z.literal('users-offline'), users: z.array(Username).min(1) });
export type UsersOfflineFrame = z.infer<typeof UsersOffline>;
const SignalIn = z.strictObject({ type: z.literal('signal'), from: Username, data: SignalData });
const LoggedOut = z.strictObject({ type: z.literal('logged-out') });
/** The answer to a client's `ping`. */
const Pong = z.strictObject({ type: z.literal('pong') });
const ErrorFrame = z.strictObject({
  type: z.literal('error'),
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string().max(1000),
  /** The `type` of the frame this answers, when known. */
  ref: z.string().max(64).optional(),
  /** For throttling: when to try again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});

/**
 * Fresh ICE servers (new TURN credentials) before those of the `welcome` expire. Sent only to a
 * connection that announced `Capability.IceRefresh`; new peer connections use them.
 */
export const IceServersFrame = z.strictObject({ type: z.literal('ice-servers'), iceServers: IceServerList });
export type IceServersFrame = z.infer<typeof IceServersFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  Welcome,
  OnlineMore,
  UserOnline,
  UserOffline,
  UsersOffline,
  SignalIn,
  LoggedOut,
  ErrorFrame,
  GroupUpdate,
  GroupRemoved,
  GroupInviteSchema,
  GroupLogFrame,
  Pong,
  IceServersFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export type WelcomeFrame = z.infer<typeof Welcome>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;

/** WebSocket close codes the server uses (4000–4999 are the application's). */
export const CloseCode = {
  /** A newer session of the same account took over: do not reconnect. */
  SessionReplaced: 4001,
  /** The client's protocol version is not served here: do not reconnect. */
  ProtocolVersion: 4002,
  /** The server is shutting down: reconnect later. */
  GoingAway: 1001,
  /** The socket did not log in within the server's time limit. */
  LoginTimeout: 1008,
  /** The server failed handling a frame of this connection: reconnect. */
  InternalError: 1011,
} as const;

// ── parsing ────────────────────────────────────────────────────────────────────────────────────

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new ProtocolError(ErrorCode.BadFrame, 'frame is not valid JSON');
  }
}

/**
 * How deeply any frame may nest. The deepest real frame (a welcome's group members) nests 5 levels;
 * unbounded nesting would let one 64 KB frame overflow the stack of whatever walks it recursively
 * (JSON.stringify, a schema), which is how a nested `signal` once crashed the server.
 */
export const MAX_JSON_DEPTH = 32;

/** True when `value` nests deeper than `max` arrays/objects. Iterative, so it cannot overflow itself. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth });
  }
  return false;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(frame)'}: ${issue.message}`)
    .join('; ');
}

/** Builds a parse function for one direction; the result throws `ProtocolError` on any bad input. */
export function frameParser<T>(schema: z.ZodType<T>, maxLength = MAX_FRAME_BYTES): (raw: string) => T {
  return (raw) => {
    // UTF-16 units never outnumber UTF-8 bytes, so this bounds the bytes parsed too.
    if (raw.length > maxLength) throw new ProtocolError(ErrorCode.FrameTooLarge, 'frame is too large');
    const json = parseJson(raw);
    if (nestsDeeperThan(json, MAX_JSON_DEPTH))
      throw new ProtocolError(ErrorCode.BadFrame, 'frame nests too deeply');
    const result = schema.safeParse(json);
    if (!result.success) throw new ProtocolError(ErrorCode.BadFrame, describe(result.error));
    return result.data;
  };
}

/** Parses one text frame from a client. Throws `ProtocolError` (`ERR_BAD_FRAME`, `ERR_FRAME_TOO_LARGE`). */
export const parseClientFrame: (raw: string) => ClientFrame = frameParser(ClientFrame);

/** Parses one text frame from the server. Throws `ProtocolError`. */
export const parseServerFrame: (raw: string) => ServerFrame = frameParser(ServerFrame);

/** The `type` of a frame that failed to parse, if one can be read; for error replies only. */
export function frameTypeOf(raw: string): string | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string') {
      return value.type.slice(0, 64);
    }
  } catch {
    // Not JSON: there is no type to report.
  }
  return undefined;
}
