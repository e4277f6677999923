/**
 * What the page and the verification worker (verify-worker.ts) say to each other. The page asks
 * with one `verify` per batch of signatures; the worker answers each with `verdicts` (one boolean
 * per item, in the items' order) under the same `call` number, or `refused` when a request does not
 * parse (a bug of the page's: it then stops using the worker). Both sides parse what they receive
 * with these schemas: a verdict is what lets a message in, so a reply of any other shape must never
 * be read as one (worker-verifier.ts then re-checks the batch on the page).
 */
import * as z from 'zod';
import { PublicIdentity } from '../../shared/identity-protocol.js';

/**
 * One signature to check: `sig` (hex, as the message carried it: not checked here, a malformed one
 * is simply false) by `identity` over `statement` (its UTF-8 bytes are what was signed).
 */
export const SignatureCheck = z.strictObject({
  identity: PublicIdentity,
  sig: z.string(),
  statement: z.string(),
});
export type SignatureCheck = z.infer<typeof SignatureCheck>;

const Call = z.number().int().nonnegative();

export const VerifyRequest = z.strictObject({
  type: z.literal('verify'),
  call: Call,
  items: z.array(SignatureCheck),
});
export type VerifyRequest = z.infer<typeof VerifyRequest>;

export const VerifyReply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('verdicts'), call: Call, verdicts: z.array(z.boolean()) }),
  z.strictObject({ type: z.literal('refused'), detail: z.string() }),
]);
export type VerifyReply = z.infer<typeof VerifyReply>;

/** `data` as a request, or why it is not one. */
export function parseVerifyRequest(data: unknown): VerifyRequest | string {
  const parsed = VerifyRequest.safeParse(data);
  return parsed.success ? parsed.data : `verify request: ${parsed.error.issues[0]?.message ?? 'malformed'}`;
}

/** `data` as a reply, or why it is not one. */
export function parseVerifyReply(data: unknown): VerifyReply | string {
  const parsed = VerifyReply.safeParse(data);
  return parsed.success ? parsed.data : `verify reply: ${parsed.error.issues[0]?.message ?? 'malformed'}`;
}
