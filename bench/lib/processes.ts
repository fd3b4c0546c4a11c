import { spawn, type ChildProcess } from 'node:child_process';
import { onCleanup } from '../../src/cleanup.js';

export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** From spawn to exit, in milliseconds. */
  wallMs: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  input?: string;
}

/** Kills a child if the bench ends first (Ctrl-C, a crash): registered while it runs. */
export function killOnExit(child: ChildProcess): () => void {
  const unregister = onCleanup(() => {
    // SIGTERM, not SIGKILL: `cardspec run` passes it on to its cucumber child, `cardspec sim` removes its card.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  child.once('exit', () => unregister());
  return unregister;
}

/**
 * Runs a program to its end and returns its output; rejects with its stderr when it exits
 * with another code than 0 or outlives `timeoutMs`.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    killOnExit(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (code === 0) return resolve({ stdout, stderr, wallMs });
      const why = signal ? `was killed (${signal}${signal === 'SIGTERM' ? `, over ${options.timeoutMs} ms?` : ''})` : `exited with ${code}`;
      reject(new Error(`${command} ${args.join(' ')} ${why}: ${(stderr || stdout).trim().slice(-2000)}`));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The last line of a program's output parsed as JSON (the C and Python loops print one). */
export function lastJsonLine<T>(stdout: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`expected a JSON line, got: ${stdout.trim().slice(-500)}`);
  }
}

export interface StartedProcess {
  /** The first stdout line that matched. */
  match: RegExpMatchArray;
  /** From spawn to that line, in milliseconds. */
  startMs: number;
  /** Resolves with all output when the program exits with 0; rejects otherwise. */
  done: Promise<ProcessResult>;
  child: ChildProcess;
}

/**
 * Starts a program and resolves once a line of its stdout matches `ready` (a port number,
 * a `ready` line): the event, not a sleep. Rejects if it exits first or takes too long.
 */
export function startProcess(command: string, args: readonly string[], ready: RegExp, options: RunOptions): Promise<StartedProcess> {
  return new Promise((resolveStart, rejectStart) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    let stdout = '';
    let stderr = '';
    let matched = false;
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    const done = new Promise<ProcessResult>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error })));
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const wallMs = performance.now() - started;
        if (code === 0 || (matched && signal !== 'SIGKILL' && signal !== null)) return resolve({ stdout, stderr, wallMs });
        reject(new Error(`${command} ${args.join(' ')} ${signal ? `was killed (${signal})` : `exited with ${code}`}: ${(stderr || stdout).trim().slice(-2000)}`));
      });
    });
    done.catch((error: unknown) => {
      if (!matched) rejectStart(error);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const before = stdout.length;
      stdout += chunk;
      if (matched) return;
      const lineStart = stdout.lastIndexOf('\n', before) + 1;
      for (const line of stdout.slice(lineStart).split('\n').slice(0, -1)) {
        const match = line.match(ready);
        if (match) {
          matched = true;
          resolveStart({ match, startMs: performance.now() - started, done, child });
          return;
        }
      }
    });
  });
}
