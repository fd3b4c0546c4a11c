import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import { last, parseArgs } from './args.js';

export const MERGE_REPORTS_HELP = `Usage: cardspec merge-reports [--out DIR] REPORT...

Merges the message reports of several runs of the same features (the shards of
\`cardspec run -- --shard I/N -p ci\`) into one run and writes DIR/messages.ndjson,
DIR/junit.xml and DIR/report.html (default DIR: reports/merged) with cucumber's own
JUnit and HTML formatters. Each REPORT is a messages.ndjson file or a folder holding one.`;

/** A report argument: the file itself, or messages.ndjson in the folder. */
function messageFile(path: string): string {
  if (!existsSync(path)) throw new HarnessError(HarnessCodes.BAD_USAGE, `no report "${path}"`);
  if (!statSync(path).isDirectory()) return path;
  const file = join(path, 'messages.ndjson');
  if (!existsSync(file)) throw new HarnessError(HarnessCodes.BAD_USAGE, `the folder "${path}" holds no messages.ndjson (run with -p ci, or --format message:FILE)`);
  return file;
}

export async function mergeReports(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['out'], ['help']);
  if (args.flags.has('help')) {
    console.log(MERGE_REPORTS_HELP);
    return 0;
  }
  if (!args.positionals.length) throw new HarnessError(HarnessCodes.BAD_USAGE, 'name the reports to merge (messages.ndjson files or folders holding one)');
  const files = args.positionals.map(messageFile);
  // cucumber's formatters belong to the steps/ layer: the merge runs there, in a child.
  const script = join(packageRoot(), 'dist', 'steps', 'formatters', 'merge-reports.js');
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [script, last(args, 'out') ?? join('reports', 'merged'), ...files], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
