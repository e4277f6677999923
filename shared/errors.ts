/**
 * Every stable error code of Parley, in one file: `ErrorCode` for what crosses a boundary (server↔
 * client frames, peer↔peer frames, stored rows), `StoreErrorCode` for what the browser's storage
 * refuses. Codes never change meaning, and no code is in both lists (a test holds them apart), so a
 * code alone says what went wrong. User-facing text is chosen by the client from the code.
 */
export const ErrorCode = {
  /** The frame is not JSON, not an object, has an unknown `type` or a field of the wrong shape. */
  BadFrame: 'ERR_BAD_FRAME',
  /** The frame needs a logged-in session. */
  NotAuthenticated: 'ERR_NOT_AUTHENTICATED',
  /** Login/register/resume on a connection that is already logged in. */
  AlreadyAuthenticated: 'ERR_ALREADY_AUTHENTICATED',
  /** The client speaks another protocol version. */
  ProtocolVersion: 'ERR_PROTOCOL_VERSION',
  /** The recipient of a relayed frame is unknown or not online. */
  UnknownPeer: 'ERR_UNKNOWN_PEER',
  /** Too many frames in too little time. */
  RateLimited: 'ERR_RATE_LIMITED',
  /** Too many failed logins for this name or address; `retryAfterMs` says when to try again. */
  TooManyAttempts: 'ERR_TOO_MANY_ATTEMPTS',
  /** A username that breaks the naming rules. */
  InvalidUsername: 'ERR_INVALID_USERNAME',
  /** A password that breaks the password rules. */
  WeakPassword: 'ERR_WEAK_PASSWORD',
  /** The name is taken (case-insensitively). */
  UsernameTaken: 'ERR_USERNAME_TAKEN',
  /** Unknown user or wrong password: deliberately one code for both. */
  BadCredentials: 'ERR_BAD_CREDENTIALS',
  /** The session token is unknown, revoked or expired. */
  SessionExpired: 'ERR_SESSION_EXPIRED',
  /** A newer login of the same account took over this connection. */
  SessionReplaced: 'ERR_SESSION_REPLACED',
  /** A frame larger than the protocol allows. */
  FrameTooLarge: 'ERR_FRAME_TOO_LARGE',
  /** A message text over the size limit. */
  TextTooLong: 'ERR_TEXT_TOO_LONG',
  /** A peer frame about a conversation the sender may not write to. */
  ForbiddenConversation: 'ERR_FORBIDDEN_CONVERSATION',
  /** No such group, or the sender is not a member: the two are one answer, so ids leak nothing. */
  UnknownGroup: 'ERR_UNKNOWN_GROUP',
  /** A group name that is empty or too long after trimming. */
  InvalidGroupName: 'ERR_INVALID_GROUP_NAME',
  /** A user named in a group command does not exist. */
  UnknownUser: 'ERR_UNKNOWN_USER',
  /** A group would get more members than allowed. */
  GroupTooLarge: 'ERR_GROUP_TOO_LARGE',
  /** An invitee already has as many pending invitations as allowed. */
  TooManyInvitations: 'ERR_TOO_MANY_INVITATIONS',
  /** The user is in as many groups as allowed. */
  TooManyGroups: 'ERR_TOO_MANY_GROUPS',
  /** A group log entry that does not follow the log's last entry (`prev`): re-sign it on the new head. */
  GroupLogStale: 'ERR_GROUP_LOG_STALE',
  /** A group's log holds as many entries as allowed. */
  GroupLogFull: 'ERR_GROUP_LOG_FULL',
  /** A file whose bytes do not have the SHA-256 its offer (or holder) named. */
  FileCorrupt: 'ERR_FILE_CORRUPT',
  /** A peer's identity hello or signature did not verify: nothing from that connection is used. */
  Unverified: 'ERR_UNVERIFIED',
  /** A stored row that does not match its schema. */
  BadRow: 'ERR_BAD_ROW',
  /** The server failed; the frame may be retried. */
  Internal: 'ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why the client's storage refused a write (`FileStore.appendChunks`). Local only: never sent in a
 * frame, so kept out of `ErrorCode`, whose every value a server `error` frame may carry and which
 * the client's error text must cover one by one. The caller decides what to do (resume from the
 * stored `have`, or fail the transfer); a person sees the transfer's state, not the code.
 */
export const StoreErrorCode = {
  /** No (valid) file row with this id. */
  UnknownFile: 'ERR_FILE_UNKNOWN',
  /** Chunks are stored for incoming files only. */
  NotIncoming: 'ERR_FILE_NOT_INCOMING',
  /** The file is complete, cancelled, corrupt or out of space: it takes no more chunks. */
  NotPending: 'ERR_FILE_NOT_PENDING',
  /** The batch does not start at the row's `have`: a gap or an overlap. */
  WrongStart: 'ERR_FILE_WRONG_START',
  /** The batch runs past the file's last chunk. */
  TooManyChunks: 'ERR_FILE_TOO_MANY_CHUNKS',
  /** A chunk's length is not the one its index must have (`chunkLength`). */
  BadChunkLength: 'ERR_FILE_BAD_CHUNK_LENGTH',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** The one shape of Parley's errors: a stable code, plus a human-readable detail for logs. */
export class CodedError<Code extends ErrorCode | StoreErrorCode> extends Error {
  override readonly name: string = 'CodedError';
  constructor(
    readonly code: Code,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Thrown by every parse function in shared/: a typed code plus a human-readable detail for logs. */
export class ProtocolError extends CodedError<ErrorCode> {
  override readonly name = 'ProtocolError';
}
