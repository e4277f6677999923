/**
 * What the fuzzer throws at the server: fast-check arbitraries for raw WebSocket frames — random JSON,
 * deep nesting, huge strings, binary, unicode edge cases, and every client frame type with mutated fields.
 */
import fc from 'fast-check';
import { PROTOCOL_VERSION } from '../../../shared/protocol.js';

/** One frame to send: text, or bytes sent as a binary frame. */
export type FuzzFrame = { text: string } | { binary: Uint8Array };

const GROUP_ID = 'g0123456789abcdef01234567';
const CID = '0123456789abcdef';
/** The fuzzer keeps a user of this name online, so relayed frames reach a real recipient. */
export const FUZZ_VICTIM = 'victim';

/** Strings people, browsers and attackers actually send that trip naive code. */
const edgeString = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\ud800',
      '\udfff',
      '\ufeff',
      '\u202e',
      '\u200b',
      '\u034f',
      '\ufe0f',
      'h\u0430lice',
      'ｈａｌｉｃｅ',
      '𝐡𝐚𝐥𝐢𝐜𝐞',
      '..',
      '__proto__',
      'constructor',
      'toString',
      'g0123456789abcdef01234567',
      '👨‍👩‍👧',
      'e\u0301\u0301\u0301\u0301',
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // Around every limit: 32 KB SDPs, the 64 KB frame (past it the server closes the connection).
  { weight: 1, arbitrary: fc.nat({ max: 66_000 }).map((length) => 'x'.repeat(length)) },
);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  edgeString,
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(null, true, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0.5),
  // Deep enough to matter, shallow enough for the fuzzer's own JSON.stringify; deeper ones are written
  // as text by `deepSignal`.
  fc.nat({ max: 2_000 }).map((depth) => nest(depth)),
);

/** A recipient: usually the online victim, so the relay gets past "is not online". */
const recipient = fc.oneof(
  { weight: 3, arbitrary: fc.constant(FUZZ_VICTIM) },
  { weight: 1, arbitrary: edgeString },
);

/** Arrays inside arrays, `depth` deep, built without recursion. */
function nest(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** A valid frame of every type the client may send; the fuzzer mutates these. */
const validFrames: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: fc.constantFrom('register', 'login'),
    version: fc.constant(PROTOCOL_VERSION),
    username: edgeString,
    password: edgeString,
  }),
  fc.record({ type: fc.constant('resume'), version: fc.constant(PROTOCOL_VERSION), token: edgeString }),
  fc.constant({ type: 'logout' }),
  fc.constant({ type: 'logout-everywhere' }),
  fc.record({ type: fc.constant('change-password'), oldPassword: edgeString, newPassword: edgeString }),
  fc.record({
    type: fc.constant('signal'),
    to: recipient,
    data: fc.oneof(
      fc.constant({ kind: 'connect' }),
      fc.record({
        kind: fc.constant('sdp'),
        cid: fc.constant(CID),
        signal: fc.record({ type: fc.constantFrom('offer', 'answer', 'candidate'), sdp: edgeString }),
      }),
      fc.record({
        kind: fc.constant('sdp'),
        cid: fc.constant(CID),
        signal: fc.record({ type: fc.constant('candidate'), candidate: anyValue }),
      }),
    ),
  }),
  fc.record({
    type: fc.constant('group-create'),
    name: edgeString,
    members: fc.array(edgeString, { maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant('group-add'),
    group: fc.constant(GROUP_ID),
    members: fc.array(edgeString, { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant('group-leave'), group: fc.oneof(fc.constant(GROUP_ID), edgeString) }),
);

/** A valid frame with one field replaced, removed or added, or its type changed. */
const mutatedFrames = fc
  .tuple(
    validFrames,
    fc.nat(),
    fc.constantFrom('replace', 'remove', 'add', 'retype', 'keep'),
    anyValue,
    edgeString,
  )
  .map(([frame, pick, how, value, name]) => {
    const keys = Object.keys(frame);
    const key = keys[pick % keys.length]!;
    const copy: Record<string, unknown> = { ...frame };
    if (how === 'replace') copy[key] = value;
    else if (how === 'remove') delete copy[key];
    else if (how === 'add') copy[name] = value;
    else if (how === 'retype') copy.type = name;
    return copy;
  });

/** Any frame the fuzzer sends. */
export const fuzzFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 6, arbitrary: mutatedFrames.map((frame) => ({ text: safeStringify(frame) })) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((text) => ({ text })) },
  { weight: 1, arbitrary: edgeString.map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat({ max: 30_000 }), fc.boolean())
      .map(([depth, inCandidate]) => ({ text: deepSignal(depth, inCandidate) })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((binary) => ({ binary })) },
);

/**
 * A signal to the victim whose payload (or, past the schema's outer shape, its ICE candidate) nests
 * `depth` arrays deep: valid JSON of up to 60 KB that recursive code cannot walk.
 */
function deepSignal(depth: number, inCandidate: boolean): string {
  const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const data = inCandidate
    ? `{"kind":"sdp","cid":"${CID}","signal":{"type":"candidate","candidate":${deep}}}`
    : deep;
  return `{"type":"signal","to":"${FUZZ_VICTIM}","data":${data}}`;
}

/** JSON.stringify that survives the deep values it is given (their depth is the point). */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return deepSignal(30_000, true);
  }
}
