import { spawn } from 'node:child_process';
import { runFolder } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** One run of the `openssl` command: the command line as a person would type it, and what it said. */
export interface OpenSslResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `openssl` with `args` in `cwd`. A non-zero exit is a result, not an error (a failed
 * verification is an answer); a missing `openssl` is MISSING_DEPENDENCY.
 */
export function runOpenSsl(args: readonly string[], cwd: string, signal?: AbortSignal): Promise<OpenSslResult> {
  const command = ['openssl', ...args].join(' ');
  return new Promise((resolve, reject) => {
    // An abort kills the command (SIGTERM) and rejects with an AbortError.
    const child = spawn('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new HarnessError(HarnessCodes.MISSING_DEPENDENCY, 'the openssl command is not installed (Debian: apt-get install openssl)', { cause: error })
          : error,
      );
    });
    child.on('close', (exitCode) => {
      resolve({ command, exitCode: exitCode ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
}

/** Runs `openssl` and fails unless it exits with 0; for steps where a failure is the harness's. */
export async function runOpenSslOrFail(args: readonly string[], cwd: string, signal?: AbortSignal): Promise<OpenSslResult> {
  const result = await runOpenSsl(args, cwd, signal);
  if (result.exitCode !== 0) {
    throw new Error(`\`${result.command}\` exited with ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result;
}

/** Gives `work` a fresh folder for OpenSSL's files and removes it afterwards, also when `work` fails. */
export async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  // The folder may hold a private key: an interrupted run removes it too.
  const folder = await runFolder('openssl');
  try {
    return await work(folder.dir);
  } finally {
    await folder.remove();
  }
}
