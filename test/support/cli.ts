import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../core/paths.js';

/** The cardspec command as a user runs it. */
export const CLI = join(packageRoot(), 'bin', 'cardspec.js');

export interface CliResult {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/** Runs `cardspec ARGS` to its end. */
export function cardspec(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, cwd: options.cwd ?? packageRoot() });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export interface RunningSim {
  child: ChildProcess;
  /** What `cardspec sim` printed up to its ready line. */
  printed: string;
  /** The environment with the `export NAME='value'` lines it printed applied. */
  env: Record<string, string>;
  /** Interrupts it as a user's Ctrl-C would and waits for its end. */
  stop(): Promise<void>;
}

/** Starts `cardspec sim ARGS` and resolves at its ready line. */
export function startSim(args: string[]): Promise<RunningSim> {
  const child = spawn(process.execPath, [CLI, 'sim', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (!/^ready$/m.test(printed)) return;
      const env = { ...(process.env as Record<string, string>) };
      for (const [, name, value] of printed.matchAll(/^export (\w+)='([^']*)'/gm)) env[name!] = value!;
      resolve({ child, printed, env, stop });
    });
    child.once('exit', (code) => reject(new Error(`cardspec sim exited with ${code} before ready: ${printed}`)));
  });
}
