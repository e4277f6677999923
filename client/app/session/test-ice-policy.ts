/**
 * The e2e tests' switch that sends every peer connection through TURN: an init script sets
 * `globalThis.parleyTestIcePolicy = 'relay'` before the app starts (test/e2e/turn.test.ts). A page
 * global, not a stored setting: it cannot outlive the page, so nobody's browser keeps it by accident,
 * and the app itself never sets it.
 */
export const TEST_ICE_POLICY_GLOBAL = 'parleyTestIcePolicy';

/** `{ iceTransportPolicy: 'relay' }` when a test asked for relay-only connections; else nothing. */
export function testIcePolicy(): { iceTransportPolicy?: RTCIceTransportPolicy } {
  const value: unknown = (globalThis as Record<string, unknown>)[TEST_ICE_POLICY_GLOBAL];
  return value === 'relay' ? { iceTransportPolicy: 'relay' } : {};
}
