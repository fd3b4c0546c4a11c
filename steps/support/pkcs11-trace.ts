import type { Pkcs11Call } from '../../src/pkcs11/calls.js';

/** The names of the scenario's trace attachments; the JUnit formatter looks for them. */
export const APDU_TRACE = 'APDU trace';
export const PKCS11_TRACE = 'PKCS#11 calls';

/**
 * The scenario's PKCS#11 calls, a line each, with runs of the same function that all
 * answered the same (C_GetMechanismInfo over every mechanism of the token) collapsed into
 * one line: `C_GetMechanismInfo x33 (CKM_RSA_PKCS ... CKM_EDDSA)  ->  CKR_OK  0.40 ms`.
 */
export function formatPkcs11Calls(calls: readonly Pkcs11Call[]): string {
  const lines: string[] = [];
  for (let i = 0; i < calls.length; ) {
    const first = calls[i]!;
    let end = i + 1;
    while (end < calls.length && calls[end]!.functionName === first.functionName && calls[end]!.result === first.result) end++;
    const run = calls.slice(i, end);
    if (run.length < 3) {
      lines.push(...run.map((c) => c.toString()));
    } else {
      const time = first.at.toISOString().slice(11, 23);
      const totalMs = run.reduce((sum, c) => sum + c.durationMs, 0);
      const named = run.map((c) => c.mechanism).filter((m): m is string => m !== undefined);
      const range = named.length > 0 ? ` (${named[0]} ... ${named.at(-1)})` : '';
      lines.push(`${time}  ${first.functionName} x${run.length}${range}  ->  ${first.result}  ${totalMs.toFixed(2)} ms`);
    }
    i = end;
  }
  return lines.join('\n');
}
