/**
 * The control channel of the simulator container: JSON lines over a unix socket in the
 * folder the host bind-mounts (next to pcscd's socket). The host asks; the simulator in
 * the container puts cards in its vpcd readers, takes them out, and makes SoftHSM tokens.
 *
 *   → {"id":1,"op":"insert","slot":0,"profile":{"name":"iso7816-demo"}}
 *   ← {"id":1,"ok":true,"result":{"slot":0,"reader":"Virtual PCD 00 00","inserted":true,...}}
 *   ← {"id":2,"ok":false,"error":{"code":"CARDSPEC_NO_CARD","message":"..."}}
 *
 * Pure codec: no I/O here, so both ends and the tests share it.
 */
import { HarnessCodes, HarnessError } from '../errors.js';
import { decodeFaultPlan, type FaultPlan } from '../faults.js';

/** File names in the shared socket folder (the container's /run/pcscd). */
export const SOCKET_NAMES = {
  pcscd: 'pcscd.comm',
  pkcs11Proxy: 'pkcs11proxy.sock',
  control: 'control.sock',
} as const;

/** The module alias the container's PKCS#11 proxy knows SoftHSM by; the host's client names it in PKCS11PROXY_LIBNAME. */
export const PKCS11_PROXY_MODULE_ALIAS = 'softhsm';

/** The container prints a line starting with this once pcscd, the PKCS#11 proxy and the control channel answer. */
export const READY_LINE_PREFIX = 'cardspec-simulator ready';

/** A line longer than this is no request of ours (profiles sent along are a few kB). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * A card profile as the container can load it: a name of the image's simulator/profiles,
 * or a profile file sent along with the other YAML files of its folder (for `extends`).
 */
/** A profile of the image, or files sent along (with the bundled code of the card module the profile names). */
export type ProfileSource = { name: string } | { file: string; files: Record<string, string>; module?: string };

export type ControlRequest =
  /** A fresh card; a card already in the slot is replaced behind the open vpcd connection. */
  | { op: 'insert'; slot: number; profile: ProfileSource }
  /** A fresh card in place of the one in the slot (which must hold one). */
  | { op: 'replace'; slot: number; profile: ProfileSource }
  /** Takes the card out (closes the vpcd connection); it is kept to be inserted again. */
  | { op: 'remove'; slot: number }
  /** Puts the card taken out last back in. */
  | { op: 'reinsert'; slot: number }
  /** A SoftHSM token labelled `label`, initialised once for the container's life. */
  | { op: 'token'; label: string; userPin: string; soPin: string }
  /** Faults on purpose for the card in the slot (vpcd/faults.ts); `clear` ends those in force first. */
  | { op: 'faults'; slot: number; plan: FaultPlan; clear: boolean }
  /**
   * Stops the container's pcscd and starts it again; the cards that were in their readers
   * go back in once the new pcscd listens (docs/faults.md). Answered when it serves the readers.
   */
  | { op: 'restart-pcscd' }
  /** The readers, what is in them, the tokens, and the versions of the stack. */
  | { op: 'status' };

export type ControlOp = ControlRequest['op'];
export const CONTROL_OPS: readonly ControlOp[] = ['insert', 'replace', 'remove', 'reinsert', 'token', 'faults', 'restart-pcscd', 'status'];

export interface SlotStatus {
  slot: number;
  reader: string;
  inserted: boolean;
  /** The profile of the card in the slot, or of the card kept out of it. */
  profile: string | undefined;
  /** The card's ATR in hex. */
  atr: string | undefined;
  /** The faults in force on the slot (absent from older simulators). */
  faults?: FaultPlan;
}

export interface StackVersions {
  pcscLite: string;
  /** caml-crush, whose pkcs11proxyd carries PKCS#11 to the host. */
  pkcs11Proxy: string;
  softhsm: string;
  node: string;
}

export interface ControlResults {
  insert: SlotStatus & { replaced: boolean };
  replace: SlotStatus;
  remove: SlotStatus;
  reinsert: SlotStatus;
  token: { label: string; created: boolean };
  faults: SlotStatus;
  /** The readers after the restart: a card that was in its reader is in again. */
  'restart-pcscd': { slots: SlotStatus[] };
  status: { slots: SlotStatus[]; tokens: string[]; versions: StackVersions };
}

export type ControlResult<Op extends ControlOp> = ControlResults[Op];

export interface ControlFailure {
  code: string;
  message: string;
}

export type ControlResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ControlFailure };

/** A message that is not one of this protocol's: a bug on one side, or another program on the socket. */
export class ControlProtocolError extends HarnessError {
  constructor(message: string) {
    super(HarnessCodes.UNSUPPORTED, `control channel: ${message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLine(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ControlProtocolError(`not JSON: ${line.length > 80 ? `${line.slice(0, 80)}...` : line}`);
  }
  if (!isRecord(value)) throw new ControlProtocolError('a message must be a JSON object');
  return value;
}

function requireId(message: Record<string, unknown>): number {
  const id = message.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new ControlProtocolError('"id" must be a non-negative integer');
  return id;
}

function requireString(message: Record<string, unknown>, field: string, op: string): string {
  const value = message[field];
  if (typeof value !== 'string' || value === '') throw new ControlProtocolError(`${op}: "${field}" must be a non-empty string`);
  return value;
}

function requireSlot(message: Record<string, unknown>, op: string): number {
  const slot = message.slot;
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0) throw new ControlProtocolError(`${op}: "slot" must be a non-negative integer`);
  return slot;
}

/** A base name only: files sent along are written into one folder and must stay in it. */
function isBaseName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

function requireProfile(message: Record<string, unknown>, op: string): ProfileSource {
  const profile = message.profile;
  if (!isRecord(profile)) throw new ControlProtocolError(`${op}: "profile" must be an object with "name", or "file" and "files"`);
  if (typeof profile.name === 'string' && profile.name !== '') {
    if (!isBaseName(profile.name)) throw new ControlProtocolError(`${op}: a profile name is a bare name, not a path: "${profile.name}"`);
    return { name: profile.name };
  }
  const { file, files } = profile;
  if (typeof file !== 'string' || !isBaseName(file)) throw new ControlProtocolError(`${op}: "profile.file" must be a file's base name`);
  if (!isRecord(files)) throw new ControlProtocolError(`${op}: "profile.files" must map base names to YAML text`);
  const texts: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    if (!isBaseName(name) || typeof text !== 'string') throw new ControlProtocolError(`${op}: "profile.files" must map base names to YAML text ("${name}")`);
    texts[name] = text;
  }
  if (!(file in texts)) throw new ControlProtocolError(`${op}: "profile.files" lacks the profile file "${file}"`);
  if (profile.module !== undefined && typeof profile.module !== 'string') throw new ControlProtocolError(`${op}: "profile.module" must be the card module's code`);
  return { file, files: texts, ...(typeof profile.module === 'string' ? { module: profile.module } : {}) };
}

/** One request as a line (with its newline). */
export function encodeRequest(id: number, request: ControlRequest): string {
  return `${JSON.stringify({ id, ...request })}\n`;
}

/** A request line (without newline), checked field by field. */
export function decodeRequest(line: string): { id: number; request: ControlRequest } {
  const message = parseLine(line);
  const id = requireId(message);
  const op = message.op;
  switch (op) {
    case 'insert':
    case 'replace':
      return { id, request: { op, slot: requireSlot(message, op), profile: requireProfile(message, op) } };
    case 'remove':
    case 'reinsert':
      return { id, request: { op, slot: requireSlot(message, op) } };
    case 'token':
      return {
        id,
        request: { op, label: requireString(message, 'label', op), userPin: requireString(message, 'userPin', op), soPin: requireString(message, 'soPin', op) },
      };
    case 'faults': {
      if (message.clear !== undefined && typeof message.clear !== 'boolean') throw new ControlProtocolError('faults: "clear" must be true or false');
      let plan: FaultPlan;
      try {
        plan = decodeFaultPlan(message.plan ?? {});
      } catch (error) {
        throw new ControlProtocolError(`faults: ${error instanceof Error ? error.message : String(error)}`);
      }
      return { id, request: { op, slot: requireSlot(message, op), plan, clear: message.clear === true } };
    }
    case 'restart-pcscd':
    case 'status':
      return { id, request: { op } };
    default:
      throw new ControlProtocolError(`unknown op ${JSON.stringify(op)} (known: ${CONTROL_OPS.join(', ')})`);
  }
}

/** The id of a request line, if it has one, so that even a malformed request gets its answer. */
export function requestIdOf(line: string): number | undefined {
  try {
    return requireId(parseLine(line));
  } catch {
    return undefined;
  }
}

export function encodeSuccess(id: number, result: unknown): string {
  return `${JSON.stringify({ id, ok: true, result })}\n`;
}

/** A failure keeps the error's stable code (CARDSPEC_*, or the card's own) for the host to raise again. */
export function encodeFailure(id: number, error: unknown): string {
  const code = error instanceof HarnessError ? error.code : HarnessCodes.SIMULATOR_ERROR;
  const message = error instanceof Error ? error.message : String(error);
  return `${JSON.stringify({ id, ok: false, error: { code, message } })}\n`;
}

export function decodeResponse(line: string): ControlResponse {
  const message = parseLine(line);
  const id = requireId(message);
  if (message.ok === true) return { id, ok: true, result: message.result };
  const error = message.error;
  if (message.ok !== false || !isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    throw new ControlProtocolError('a response must have "ok": true and "result", or "ok": false and "error": {code, message}');
  }
  return { id, ok: false, error: { code: error.code, message: error.message } };
}

/**
 * Splits a byte stream into lines. Chunks may end anywhere, also inside a multi-byte
 * character; a line longer than MAX_LINE_BYTES is refused rather than buffered for ever.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const part = chunk.subarray(start, newline);
      const line = this.pending.length ? Buffer.concat([...this.pending, part]) : part;
      this.pending = [];
      this.pendingBytes = 0;
      const text = line.toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') lines.push(text);
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxLineBytes) {
        this.pending = [];
        this.pendingBytes = 0;
        throw new ControlProtocolError(`a line longer than ${this.maxLineBytes} bytes`);
      }
      this.pending.push(Buffer.from(chunk.subarray(start)));
    }
    return lines;
  }
}
