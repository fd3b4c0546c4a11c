/**
 * Which pcscd a host's libpcsclite can talk to. Client and daemon exchange their message
 * protocol version (CMD_VERSION) at SCardEstablishContext; a daemon that does not accept
 * the client's answers SCARD_E_SERVICE_STOPPED. The versions, from winscard_msg.h and
 * winscard_svc.c of each pcsc-lite release:
 *
 *   pcsc-lite before 1.8.24     protocol 4.3 or older         (no image of ours)
 *   pcsc-lite 1.8.24 .. 2.2.x   protocol 4.4, exact match only   (Debian 12: 1.9.9; Ubuntu 24.04: 2.0.3)
 *   pcsc-lite 2.3.x             protocol 4.5, exact match only   (Debian 13: 2.3.3)
 *   pcsc-lite 2.4.x             protocol 4.5, talks to 4.4 both ways
 *   pcsc-lite 2.5.0 and later   protocol 4.6, talks to 4.4 and 4.5 both ways
 *
 * The container target reads the host client's protocol (probeClientProtocol: it answers
 * the client's CMD_VERSION itself) and picks the Debian suite whose pcscd accepts it.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeOwnedTempDir } from '../../core/owned-dirs.js';
import { packageRoot } from '../../core/paths.js';

export interface PcscProtocol {
  major: number;
  minor: number;
}

/** What a pcsc-lite release speaks: its own protocol, and the oldest minor it falls back to (itself when none). */
export interface PcscLiteSpeech {
  protocol: PcscProtocol;
  oldestMinor: number;
}

/** The oldest minor that 2.4 and later accept as client and as daemon (PROTOCOL_VERSION_MINOR_*_BACKWARD). */
const BACKWARD_MINOR = 4;

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "1.9.9-2", "2.0.3-1build1", "2.3.3" → [1, 9, 9] ...; undefined when it is no version. */
export function parsePcscLiteVersion(text: string): number[] | undefined {
  const match = /^(?:\d+:)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** The protocol a pcsc-lite release speaks, by the table above. */
export function speechOf(version: readonly number[]): PcscLiteSpeech {
  if (compareVersions(version, [2, 5, 0]) >= 0) return { protocol: { major: 4, minor: 6 }, oldestMinor: BACKWARD_MINOR };
  if (compareVersions(version, [2, 4, 0]) >= 0) return { protocol: { major: 4, minor: 5 }, oldestMinor: BACKWARD_MINOR };
  if (compareVersions(version, [2, 3, 0]) >= 0) return { protocol: { major: 4, minor: 5 }, oldestMinor: 5 };
  if (compareVersions(version, [1, 8, 24]) >= 0) return { protocol: { major: 4, minor: 4 }, oldestMinor: 4 };
  // 1.8.x before 1.8.24 (4.3 or older): no image of ours speaks it.
  return { protocol: { major: 4, minor: 3 }, oldestMinor: 3 };
}

/**
 * Whether a client of protocol `client` (falling back to `clientOldestMinor`) gets a
 * context from a pcscd that speaks `daemon`: the same protocol, or the daemon accepts the
 * older client, or the client retries with the daemon's older protocol.
 */
export function understands(client: PcscLiteSpeech, daemon: PcscLiteSpeech): boolean {
  if (client.protocol.major !== daemon.protocol.major) return false;
  const c = client.protocol.minor;
  const d = daemon.protocol.minor;
  if (c === d) return true;
  if (c < d) return c >= daemon.oldestMinor;
  return d >= client.oldestMinor;
}

/**
 * What a client that sent `protocol` can talk to. A 4.5 client may be 2.3 (4.5 only) or 2.4
 * (4.4 too): taken as the stricter; 4.6 and later fall back to 4.4.
 */
export function clientSpeech(protocol: PcscProtocol): PcscLiteSpeech {
  return { protocol, oldestMinor: protocol.major === 4 && protocol.minor >= 6 ? BACKWARD_MINOR : protocol.minor };
}

export const formatProtocol = (p: PcscProtocol): string => `${p.major}.${p.minor}`;

/** The Debian suites the simulator image can be built on, with their pcscd, in order of preference. */
export const DEBIAN_SUITES: readonly { suite: string; pcscLite: string }[] = [
  { suite: 'bookworm', pcscLite: '1.9.9' },
  { suite: 'trixie', pcscLite: '2.3.3' },
];

/** The suite whose pcscd a client of `client` can talk to, or undefined when none can. */
export function suiteFor(client: PcscLiteSpeech): { suite: string; pcscLite: string } | undefined {
  return DEBIAN_SUITES.find((s) => understands(client, speechOf(parsePcscLiteVersion(s.pcscLite)!)));
}

const PROBE_TIMEOUT_MS = 10_000;
/** pcsc-lite's CMD_VERSION (winscard_msg.h) and the size of its message: header (size, command) + version_struct (major, minor, rv). */
const CMD_VERSION = 0x11;
const VERSION_MESSAGE_BYTES = 20;
const SCARD_E_SERVICE_STOPPED = 0x8010001e;

/**
 * The protocol the host's libpcsclite speaks, read from the library itself: a child
 * process opens a PC/SC context against a socket of ours (PCSCLITE_CSOCK_NAME), whose
 * first message is CMD_VERSION with the client's protocol. The answer refuses it with a
 * major version no client retries with, so the child gives up at once. Undefined when no
 * client connects (no libpcsclite, or one that ignores PCSCLITE_CSOCK_NAME).
 */
export async function probeClientProtocol(): Promise<PcscProtocol | undefined> {
  // An owned folder: if this process is killed mid-probe, the next run removes it.
  const dir = await makeOwnedTempDir('pcsc-probe');
  const socketPath = join(dir, 'pcscd.comm');
  const server = createServer();
  try {
    const received = new Promise<PcscProtocol | undefined>((resolve) => {
      server.on('connection', (socket) => {
        let data = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          data = Buffer.concat([data, chunk]);
          if (data.length < VERSION_MESSAGE_BYTES) return;
          if (data.readUInt32LE(4) !== CMD_VERSION) return resolve(undefined);
          const protocol = { major: data.readInt32LE(8), minor: data.readInt32LE(12) };
          const answer = Buffer.alloc(VERSION_MESSAGE_BYTES - 8);
          answer.writeUInt32LE(SCARD_E_SERVICE_STOPPED, 8);
          socket.end(answer);
          resolve(protocol);
        });
        socket.on('error', () => undefined);
      });
    });
    await new Promise<void>((resolve, reject) => server.listen(socketPath, resolve).once('error', reject));
    const client = pathToFileURL(join(packageRoot(), 'dist', 'src', 'pcsc', 'client.js')).href;
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const { PcscContext } = await import(${JSON.stringify(client)}); try { PcscContext.open().close(); } catch {}`], {
      env: { ...process.env, PCSCLITE_CSOCK_NAME: socketPath },
      stdio: 'ignore',
      timeout: PROBE_TIMEOUT_MS,
    });
    const exited = new Promise<undefined>((resolve) => {
      child.once('exit', () => resolve(undefined));
      child.once('error', () => resolve(undefined));
    });
    const protocol = await Promise.race([received, exited]);
    child.kill('SIGKILL');
    return protocol ?? (await Promise.race([received, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 0))]));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
