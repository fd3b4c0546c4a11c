/**
 * Figures `pkcs11-sign-rsa2048` and `pkcs11-sign-ecp256` (issue #7): signatures per second
 * through the harness's PKCS#11 layer (Pkcs11Session.sign: the mechanism check, C_SignInit
 * and C_Sign through pkcs11js, the call log), over a C loop of C_SignInit + C_Sign on the
 * same SoftHSM token and key. PyKCS11 is measured the same way for the table.
 */
import type pkcs11js from 'pkcs11js';
import { parseKeyType, type KeyTypeName } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair, requireKey } from '../../src/pkcs11/key-pairs.js';
import { buildMechanism, describeMechanism } from '../../src/pkcs11/mechanisms.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { mechanisms } from '../../src/pkcs11/names.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';
import type { TokenAccess } from '../../src/pkcs11/token.js';
import { interleave } from '../lib/interleave.js';
import { SYSTEM_PYTHON, benchFile } from '../lib/paths.js';
import { lastJsonLine, runProcess } from '../lib/processes.js';
import { ratioOf, type Figure } from '../lib/result.js';
import { median, nowUs, round } from '../lib/stats.js';

export const PKCS11_SIGN_GOAL_RATIO = 0.9;
const BENCH_TOKEN_LABEL = 'cardspec-bench';

interface SignSpec {
  figure: string;
  keyType: KeyTypeName;
  keyLabel: string;
  mechanism: string;
  /** What C_Sign gets: a message for a hashing mechanism, a SHA-256 digest for CKM_ECDSA. */
  data: Buffer;
}

/** SoftHSM 2.6 has no CKM_ECDSA_SHA256 (DESIGN.md): ECDSA signs a 32-byte digest, as middleware does. */
const SPECS: SignSpec[] = [
  { figure: 'pkcs11-sign-rsa2048', keyType: 'RSA-2048', keyLabel: 'bench-rsa2048', mechanism: 'CKM_SHA256_RSA_PKCS', data: Buffer.alloc(32, 0xa5) },
  { figure: 'pkcs11-sign-ecp256', keyType: 'EC-P256', keyLabel: 'bench-ecp256', mechanism: 'CKM_ECDSA', data: Buffer.alloc(32, 0xa5) },
];

interface RateResult {
  perSecond: number;
}

function harnessRate(session: Pkcs11Session, log: Pkcs11Call[], spec: SignSpec, key: pkcs11js.Handle, durationMs: number): RateResult {
  const mechanism = buildMechanism(describeMechanism(spec.mechanism, 'sign'));
  // The log is the scenario's in a run: it starts empty for every round here.
  log.length = 0;
  const durationUs = durationMs * 1000;
  let n = 0;
  const started = nowUs();
  let elapsed = 0;
  while (elapsed < durationUs) {
    session.sign(mechanism, key, spec.data);
    n++;
    elapsed = nowUs() - started;
  }
  return { perSecond: n / (elapsed / 1e6) };
}

/** pkcs11js called directly on the same session: the binding's share, without src/pkcs11 around it. */
function pkcs11jsRate(session: Pkcs11Session, spec: SignSpec, key: pkcs11js.Handle, durationMs: number): RateResult {
  const api = session.token.module.native;
  const mechanism = buildMechanism(describeMechanism(spec.mechanism, 'sign')).native;
  const output = Buffer.alloc(4096);
  const durationUs = durationMs * 1000;
  let n = 0;
  const started = nowUs();
  let elapsed = 0;
  while (elapsed < durationUs) {
    api.C_SignInit(session.handle, mechanism, key);
    api.C_Sign(session.handle, spec.data, output);
    n++;
    elapsed = nowUs() - started;
  }
  return { perSecond: n / (elapsed / 1e6) };
}

function externalArgs(access: TokenAccess, spec: SignSpec, durationMs: number): string[] {
  const mechanism = `0x${mechanisms.value(spec.mechanism).toString(16)}`;
  return [access.modulePath, access.label, access.userPin, spec.keyLabel, mechanism, spec.data.toString('hex'), String(durationMs)];
}

async function externalRate(command: string, args: string[], access: TokenAccess): Promise<RateResult> {
  const { stdout } = await runProcess(command, args, { env: { ...process.env, ...access.env }, timeoutMs: 60_000 });
  return lastJsonLine<RateResult>(stdout);
}

export interface Pkcs11SignOptions {
  signBinary: string;
  rounds: number;
  durationMs: number;
}

export async function pkcs11Sign(options: Pkcs11SignOptions): Promise<Figure[]> {
  const { signBinary, rounds, durationMs } = options;
  const tokens = new SoftHsmTokens();
  let session: Pkcs11Session | undefined;
  try {
    const access = await tokens.token(BENCH_TOKEN_LABEL);
    const log: Pkcs11Call[] = [];
    const module = openPkcs11Module(access, log);
    const token = findToken(module, access.label, log);
    session = Pkcs11Session.open(token);
    session.login('user', access.userPin);
    // Token objects, so that the C and Python processes see the same keys.
    for (const spec of SPECS) await ensureKeyPair(session, spec.keyLabel, parseKeyType(spec.keyType), { tokenObjects: true });

    const figures: Figure[] = [];
    for (const spec of SPECS) {
      const key = requireKey(session, spec.keyLabel, 'private');
      const open = session;
      const results = await interleave<RateResult>(rounds, [
        { name: 'harness', run: async () => harnessRate(open, log, spec, key, durationMs) },
        { name: 'c', run: () => externalRate(signBinary, externalArgs(access, spec, durationMs), access) },
        { name: 'pkcs11js', run: async () => pkcs11jsRate(open, spec, key, durationMs) },
        { name: 'pykcs11', run: () => externalRate(SYSTEM_PYTHON, [benchFile('py', 'pkcs11_sign.py'), ...externalArgs(access, spec, durationMs)], access) },
      ]);
      const rates = (name: string): number[] => results.get(name)!.map((r) => r.perSecond);
      const value = median(rates('harness'));
      const baseline = median(rates('c'));
      const ratio = ratioOf(value, baseline);
      figures.push({
        name: spec.figure,
        value: round(value),
        unit: 'signatures/s',
        baseline: round(baseline),
        baselineName: 'C C_SignInit+C_Sign loop',
        ratio: ratio === null ? null : round(ratio, 3),
        goal: `ratio >= ${PKCS11_SIGN_GOAL_RATIO}`,
        met: ratio === null ? null : ratio >= PKCS11_SIGN_GOAL_RATIO,
        rounds,
        samples: { value: rates('harness').map((v) => round(v)), baseline: rates('c').map((v) => round(v)) },
        references: [
          { name: 'pkcs11js alone (no src/pkcs11)', value: round(median(rates('pkcs11js'))), unit: 'signatures/s' },
          { name: 'PyKCS11', value: round(median(rates('pykcs11'))), unit: 'signatures/s' },
        ],
        extra: { keyType: spec.keyType, mechanism: spec.mechanism, dataBytes: spec.data.length, durationMsPerRound: durationMs },
        notes: [`${spec.keyType} ${spec.mechanism} over ${spec.data.length} bytes, SoftHSM token "${BENCH_TOKEN_LABEL}" made for the bench; ${durationMs} ms per loop, ${rounds} interleaved rounds`],
      });
    }
    return figures;
  } finally {
    session?.close();
    closePkcs11Modules();
    await tokens.dispose();
  }
}
