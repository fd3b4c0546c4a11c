/**
 * Figure `pkcs11-transport` (issue #14): what one signature costs through the container
 * target's PKCS#11 transport, caml-crush (pkcs11proxyd + libp11clientunix.so over a unix
 * socket), next to p11-kit's RPC (`p11-kit server` + p11-kit-client.so, the transport
 * before it) and SoftHSM loaded directly. The three share one SoftHSM token folder and
 * one EC P-256 key; the daemons run on the host with the container's own configuration
 * (core/daemons.ts), so the figure is the transport's, without Docker's
 * bind mount in between (a unix socket either way).
 */
import { debianMultiarch } from '../../core/paths.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pkcs11js from 'pkcs11js';
import { startDaemon, startPkcs11Proxy, type Daemon } from '../../core/daemons.js';
import { PKCS11_PROXY_MODULE_ALIAS } from '../../core/control/protocol.js';
import { SOFTHSM_MODULE } from '../../core/softhsm.js';
import { onCleanup } from '../../src/cleanup.js';
import { parseKeyType } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair, requireKey } from '../../src/pkcs11/key-pairs.js';
import { buildMechanism, describeMechanism } from '../../src/pkcs11/mechanisms.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { pkcs11ProxyClientCandidates } from '../../src/targets/container-host.js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';
import type { TokenAccess } from '../../src/pkcs11/token.js';
import { interleave } from '../lib/interleave.js';
import { ratioOf, type Figure } from '../lib/result.js';
import { median, nowUs, round } from '../lib/stats.js';

const TOKEN_LABEL = 'cardspec-bench-transport';
const KEY_LABEL = 'bench-transport-ecp256';
const DAEMON_START_TIMEOUT_MS = 15_000;
/**
 * The goal: the transport adds at most this much per signature. A feature run makes a few
 * hundred PKCS#11 calls, so 300 µs each keeps the container target within a tenth of a
 * second of the simulator target.
 */
export const TRANSPORT_ADDED_GOAL_US = 300;
const P11_KIT_CLIENT = `/usr/lib/${debianMultiarch() ?? 'x86_64-linux-gnu'}/pkcs11/p11-kit-client.so`;

export interface Pkcs11TransportOptions {
  rounds: number;
  durationMs: number;
}

/** µs per C_SignInit + C_Sign through the harness's session (Pkcs11Session.sign). */
function usPerSignature(session: Pkcs11Session, key: pkcs11js.Handle, durationMs: number): number {
  const mechanism = buildMechanism(describeMechanism('CKM_ECDSA', 'sign'));
  const digest = Buffer.alloc(32, 0xa5);
  const durationUs = durationMs * 1000;
  let n = 0;
  const started = nowUs();
  let elapsed = 0;
  while (elapsed < durationUs) {
    session.sign(mechanism, key, digest);
    n++;
    elapsed = nowUs() - started;
  }
  return elapsed / n;
}

export async function pkcs11Transport(options: Pkcs11TransportOptions): Promise<Figure> {
  const proxyClient = pkcs11ProxyClientCandidates().find((path) => existsSync(path));
  if (!proxyClient) throw new Error("caml-crush's client is not installed (Debian 12: apt-get install caml-crush-clients caml-crush-server)");
  if (!existsSync(P11_KIT_CLIENT)) throw new Error(`${P11_KIT_CLIENT} is missing (apt-get install p11-kit-modules)`);

  const tokens = new SoftHsmTokens();
  const stateDir = await mkdtemp(join(tmpdir(), 'cardspec-bench-transport-'));
  const daemons: Daemon[] = [];
  const unregister = onCleanup(() => daemons.forEach((d) => d.child.kill('SIGTERM')));
  const sessions: Pkcs11Session[] = [];
  const log: Pkcs11Call[] = [];
  try {
    const direct = await tokens.token(TOKEN_LABEL);
    const softHsmConf = direct.env.SOFTHSM2_CONF!;
    // The key is a token object, made before the daemons load SoftHSM, so all three see it.
    const setup = Pkcs11Session.open(findToken(openPkcs11Module(direct, log), TOKEN_LABEL, log));
    setup.login('user', direct.userPin);
    await ensureKeyPair(setup, KEY_LABEL, parseKeyType('EC-P256'), { tokenObjects: true });
    setup.close();

    const proxySocket = join(stateDir, 'pkcs11proxy.sock');
    const p11kitSocket = join(stateDir, 'p11kit.sock');
    daemons.push(await startPkcs11Proxy(proxySocket, softHsmConf, stateDir, DAEMON_START_TIMEOUT_MS));
    daemons.push(
      await startDaemon('p11-kit server', 'p11-kit', ['server', '--foreground', '--provider', SOFTHSM_MODULE, '--name', p11kitSocket, 'pkcs11:'], p11kitSocket, {
        env: { ...process.env, SOFTHSM2_CONF: softHsmConf },
        timeoutMs: DAEMON_START_TIMEOUT_MS,
      }),
    );
    const accesses: Record<'direct' | 'caml-crush' | 'p11-kit', TokenAccess> = {
      direct,
      'caml-crush': { ...direct, modulePath: proxyClient, env: { PKCS11PROXY_SOCKET_PATH: proxySocket, PKCS11PROXY_LIBNAME: PKCS11_PROXY_MODULE_ALIAS } },
      'p11-kit': { ...direct, modulePath: P11_KIT_CLIENT, env: { P11_KIT_SERVER_ADDRESS: `unix:path=${p11kitSocket}` } },
    };
    const contenders = Object.entries(accesses).map(([name, access]) => {
      const session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), TOKEN_LABEL, log));
      sessions.push(session);
      session.login('user', access.userPin);
      const key = requireKey(session, KEY_LABEL, 'private');
      return {
        name,
        run: async () => {
          log.length = 0;
          return usPerSignature(session, key, options.durationMs);
        },
      };
    });
    const results = await interleave<number>(options.rounds, contenders);
    const perSignature = (name: string): number => median(results.get(name)!);
    const value = perSignature('caml-crush');
    const baseline = perSignature('direct');
    const p11kit = perSignature('p11-kit');
    const ratio = ratioOf(value, baseline);
    return {
      name: 'pkcs11-transport',
      value: round(value, 3),
      unit: 'µs/signature',
      baseline: round(baseline, 3),
      baselineName: 'SoftHSM loaded directly',
      ratio: ratio === null ? null : round(ratio, 3),
      goal: `caml-crush adds <= ${TRANSPORT_ADDED_GOAL_US} µs/signature`,
      met: value - baseline <= TRANSPORT_ADDED_GOAL_US,
      rounds: options.rounds,
      samples: { value: results.get('caml-crush')!.map((v) => round(v, 3)), baseline: results.get('direct')!.map((v) => round(v, 3)) },
      references: [
        { name: "p11-kit's RPC (the former transport; drops EdDSA, hashed PSS, SHA-224)", value: round(p11kit, 3), unit: 'µs/signature' },
      ],
      extra: {
        camlCrushAddedUs: round(value - baseline, 3),
        p11KitAddedUs: round(p11kit - baseline, 3),
        p11KitUsPerSignature: round(p11kit, 3),
        mechanism: 'CKM_ECDSA',
        keyType: 'EC-P256',
      },
      notes: [
        `EC P-256 CKM_ECDSA over a 32-byte digest through Pkcs11Session.sign (C_SignInit + C_Sign), one SoftHSM token; ${options.durationMs} ms per loop, ${options.rounds} interleaved rounds`,
        'caml-crush: pkcs11proxyd with the container\'s configuration, libp11clientunix.so; p11-kit: `p11-kit server` and p11-kit-client.so; both over a unix socket on the host',
      ],
    };
  } finally {
    for (const session of sessions) session.close();
    closePkcs11Modules();
    for (const daemon of daemons.reverse()) await daemon.stop();
    unregister();
    await tokens.dispose();
    await rm(stateDir, { recursive: true, force: true });
  }
}
