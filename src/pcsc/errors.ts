import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** A PC/SC return code: its name, value, and what a person should check. */
interface ScardCode {
  name: `SCARD_${string}`;
  value: number;
  /** The text the `smartcard` binding puts in its Error for this code. */
  bindingMessage: string;
  hint: string;
}

const CODES: ScardCode[] = [
  { name: 'SCARD_E_CANCELLED', value: 0x80100002, bindingMessage: 'Operation cancelled', hint: 'the wait was cancelled (SCardCancel)' },
  { name: 'SCARD_E_CANT_DISPOSE', value: 0x8010000e, bindingMessage: 'Cannot dispose handle', hint: 'the reader could not eject, reset or unpower the card as asked' },
  { name: 'SCARD_E_INSUFFICIENT_BUFFER', value: 0x80100008, bindingMessage: 'Insufficient buffer', hint: 'the response is longer than the receive buffer: an extended APDU needs a larger maxRecvLength' },
  { name: 'SCARD_E_INVALID_ATR', value: 0x80100015, bindingMessage: 'Invalid ATR', hint: 'the card answered with an ATR the reader could not use' },
  { name: 'SCARD_E_INVALID_HANDLE', value: 0x80100003, bindingMessage: 'Invalid handle', hint: 'the connection was already closed' },
  { name: 'SCARD_E_INVALID_PARAMETER', value: 0x80100004, bindingMessage: 'Invalid parameter', hint: 'a parameter of the PC/SC call was rejected (an empty APDU?)' },
  { name: 'SCARD_E_INVALID_TARGET', value: 0x80100005, bindingMessage: 'Invalid target', hint: 'registry startup information is missing or invalid' },
  { name: 'SCARD_E_INVALID_VALUE', value: 0x80100011, bindingMessage: 'Invalid value', hint: 'a parameter value could not be interpreted' },
  { name: 'SCARD_E_NO_MEMORY', value: 0x80100006, bindingMessage: 'Not enough memory', hint: 'pcscd or the client ran out of memory' },
  { name: 'SCARD_E_NO_SERVICE', value: 0x8010001d, bindingMessage: 'PC/SC service not running', hint: 'pcscd is not running: start it (`sudo systemctl start pcscd.socket`, or `sudo pcscd`)' },
  { name: 'SCARD_E_NO_SMARTCARD', value: 0x8010000c, bindingMessage: 'No smart card present', hint: 'no card is in the reader' },
  { name: 'SCARD_E_NOT_READY', value: 0x80100010, bindingMessage: 'Reader not ready', hint: 'the reader or card is not ready to accept commands' },
  { name: 'SCARD_E_NOT_TRANSACTED', value: 0x80100016, bindingMessage: 'Transaction failed', hint: 'the APDU could not be sent or the card did not answer (a mute card, or a frame the reader refused)' },
  { name: 'SCARD_E_PCI_TOO_SMALL', value: 0x80100019, bindingMessage: 'PCI struct too small', hint: 'internal binding error' },
  { name: 'SCARD_E_PROTO_MISMATCH', value: 0x8010000f, bindingMessage: 'Protocol mismatch', hint: 'the card does not offer the protocol asked for (T=0 / T=1): check the ATR' },
  { name: 'SCARD_E_READER_UNAVAILABLE', value: 0x80100017, bindingMessage: 'Reader unavailable', hint: 'the reader was unplugged or its driver stopped' },
  {
    name: 'SCARD_E_SERVICE_STOPPED',
    value: 0x8010001e,
    bindingMessage: 'PC/SC service stopped',
    hint: 'libpcsclite and pcscd speak different protocol versions, often two pcsc-lite installs (one in /usr/local): use the pcscd that matches the library, or restart pcscd',
  },
  { name: 'SCARD_E_SHARING_VIOLATION', value: 0x8010000b, bindingMessage: 'Sharing violation', hint: 'another program holds the card exclusively (gpg-agent/scdaemon, OpenSC, a browser): close it' },
  { name: 'SCARD_E_SYSTEM_CANCELLED', value: 0x80100012, bindingMessage: 'System cancelled operation', hint: 'the system cancelled the operation (logoff or shutdown)' },
  { name: 'SCARD_E_TIMEOUT', value: 0x8010000a, bindingMessage: 'Operation timed out', hint: 'nothing changed before the timeout' },
  { name: 'SCARD_E_UNKNOWN_CARD', value: 0x8010000d, bindingMessage: 'Unknown card type', hint: 'the card is not known to the reader' },
  { name: 'SCARD_E_UNKNOWN_READER', value: 0x80100009, bindingMessage: 'Unknown reader', hint: 'no reader of that name: list the readers with `cardspec readers`' },
  { name: 'SCARD_E_NO_READERS_AVAILABLE', value: 0x8010002e, bindingMessage: 'No readers available', hint: 'pcscd sees no reader: plug one in, or check that vsmartcard-vpcd is installed for the simulator' },
  { name: 'SCARD_F_COMM_ERROR', value: 0x80100013, bindingMessage: 'Communication error', hint: 'the link to pcscd broke: pcscd may have stopped or restarted' },
  { name: 'SCARD_F_INTERNAL_ERROR', value: 0x80100001, bindingMessage: 'Internal error', hint: 'pcscd reported an internal error: check its log (`pcscd -f -d`)' },
  { name: 'SCARD_W_REMOVED_CARD', value: 0x80100069, bindingMessage: 'Card was removed', hint: 'the card was removed (or the virtual card disconnected) during the session' },
  { name: 'SCARD_W_RESET_CARD', value: 0x80100068, bindingMessage: 'Card was reset', hint: 'another connection reset the card: reconnect' },
  { name: 'SCARD_W_UNPOWERED_CARD', value: 0x80100067, bindingMessage: 'Card is unpowered', hint: 'the card is not powered: reconnect' },
  { name: 'SCARD_W_UNRESPONSIVE_CARD', value: 0x80100066, bindingMessage: 'Card is unresponsive', hint: 'the card is mute: no ATR. Check it is inserted the right way, or that the virtual card is running' },
  { name: 'SCARD_W_UNSUPPORTED_CARD', value: 0x80100065, bindingMessage: 'Card is not supported', hint: 'the reader cannot talk to this card (its ATR is not valid for it)' },
];

/** Every SCARD_* name the harness knows, for `Then it fails with` and its checks. */
export function scardCodeNames(): string[] {
  return [...CODES.map((c) => c.name), 'SCARD_F_UNKNOWN_ERROR'];
}

const BY_BINDING_MESSAGE = new Map(CODES.map((c) => [c.bindingMessage, c]));
const INVALID_HANDLE = CODES.find((c) => c.name === 'SCARD_E_INVALID_HANDLE')!;

/** The ScardError of a named code, for failures the harness recognises itself (a card gone mid-APDU). */
export function scardError(name: string, operation: string, detail?: string): ScardError {
  const code = CODES.find((c) => c.name === name);
  if (!code) throw new Error(`no PC/SC code ${name}`);
  return new ScardError(code, operation, detail);
}

const UNKNOWN: ScardCode = {
  name: 'SCARD_F_UNKNOWN_ERROR',
  value: 0x80100014,
  bindingMessage: 'Unknown PC/SC error',
  hint: 'the binding did not name the PC/SC error',
};

/** A failed PC/SC call: the SCARD_* name, its value in hex, the call, and a hint. */
export class ScardError extends HarnessError {
  readonly value: number;
  readonly operation: string;
  readonly hint: string;

  constructor(code: ScardCode, operation: string, detail?: string, options?: { cause?: unknown }) {
    const hex = `0x${code.value.toString(16).toUpperCase()}`;
    super(code.name, `${operation} failed: ${code.name} (${hex}): ${code.hint}${detail ? ` (${detail})` : ''}`, options);
    this.value = code.value;
    this.operation = operation;
    this.hint = code.hint;
  }
}

/**
 * Turns an error of the `smartcard` binding into a ScardError, once, at the boundary. The
 * binding's native errors carry only pcsc-lite's message text, one text per code
 * (smartcard's src/pcsc_errors.h), so the text is what identifies the code here. A
 * HarnessError (a ScardError already, or the harness's own, such as a missing addon)
 * passes as it is.
 */
export function fromBindingError(error: unknown, operation: string): HarnessError | Error {
  if (error instanceof HarnessError) return error;
  if (!(error instanceof Error)) return new HarnessError(HarnessCodes.NATIVE_ERROR, `${operation} failed: ${String(error)}`);
  const numeric = (error as { code?: unknown }).code;
  const byValue = typeof numeric === 'number' ? CODES.find((c) => c.value === numeric) : undefined;
  const code = byValue ?? BY_BINDING_MESSAGE.get(error.message);
  if (code) return new ScardError(code, operation, undefined, { cause: error });
  if (error.message === 'Card is not connected') return new ScardError(INVALID_HANDLE, operation, error.message, { cause: error });
  return new ScardError(UNKNOWN, operation, error.message, { cause: error });
}
