/** Instruction bytes of ISO 7816-4, for the harness (guards, masking) and the virtual card alike. */
export const Ins = {
  VERIFY: 0x20,
  VERIFY_TLV: 0x21,
  CHANGE_REFERENCE_DATA: 0x24,
  CHANGE_REFERENCE_DATA_TLV: 0x25,
  RESET_RETRY_COUNTER: 0x2c,
  RESET_RETRY_COUNTER_TLV: 0x2d,
  GET_CHALLENGE: 0x84,
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  READ_RECORD: 0xb2,
  GET_RESPONSE: 0xc0,
} as const;

/** Commands that spend a try of the PIN named by P2 when their data is wrong (even and odd INS). */
export const PIN_SPENDING_INS: ReadonlySet<number> = new Set([Ins.VERIFY, Ins.VERIFY_TLV, Ins.CHANGE_REFERENCE_DATA, Ins.CHANGE_REFERENCE_DATA_TLV]);

/** RESET RETRY COUNTER spends a PUK try. */
export const PUK_SPENDING_INS: ReadonlySet<number> = new Set([Ins.RESET_RETRY_COUNTER, Ins.RESET_RETRY_COUNTER_TLV]);

/** Commands whose data is a PIN, a PUK or a new PIN: masked wherever a command is shown. */
export const SECRET_DATA_INS: ReadonlySet<number> = new Set([...PIN_SPENDING_INS, ...PUK_SPENDING_INS]);
