/**
 * Messages between the harness and a virtual card that answers from a thread of its own
 * (simulator/threads/card-thread.ts), as the token card of a card-backed PKCS#11 token
 * does on the simulator target (docs/piv.md).
 *
 * { id, op: 'put', profile, slot } puts a fresh card of the profile in vpcd slot `slot`
 * (in place of the card there, behind the same vpcd connection); { id, op: 'close' } takes
 * the card out. Answers: { id, replaced } or { id, error }.
 */
export type CardThreadRequest = { id: number; op: 'put'; profile: string; slot: number } | { id: number; op: 'close' };
export type CardThreadAnswer = { id: number; replaced?: boolean; error?: string };
