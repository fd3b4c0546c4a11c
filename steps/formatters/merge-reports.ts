/**
 * `cardspec merge-reports` (src/cli/merge-reports.ts runs this file, as `cardspec run`
 * runs cucumber, so that the harness below steps/ never imports cucumber's packages).
 *
 * Merges the message reports (cucumber's `message:` formatter, NDJSON) of several runs of
 * the same features, e.g. the shards of `--shard i/n`, into one run, and writes the JUnit
 * and HTML reports of the whole with cucumber's own formatters (@cucumber/junit-xml-formatter,
 * @cucumber/html-formatter) from it.
 *
 * Every run numbers its messages with fresh ids. Shards parse the same feature files, so
 * a feature's Gherkin document is kept once: the later shards' node ids are mapped onto
 * the first one's, position by position (the same text gives the same tree). The merged
 * run starts when the first shard started and finishes when the last finished; it
 * succeeded only when every shard did.
 */
import { codedMessage } from '../../src/quiet-errors.js';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { finished } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import { JUnitXmlPrinter } from '@cucumber/junit-xml-formatter';
import type { Envelope } from '@cucumber/messages';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** Envelopes that describe what was run (kept before the run's events). */
const DEFINITIONS = ['source', 'gherkinDocument', 'pickle', 'stepDefinition', 'hook', 'parameterType', 'undefinedParameterType'] as const;

/** Parses one NDJSON message file; a bad line names the file and the line. */
export function parseMessages(text: string, file: string): Envelope[] {
  const envelopes: Envelope[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      envelopes.push(JSON.parse(line) as Envelope);
    } catch (error) {
      throw new HarnessError(HarnessCodes.BAD_USAGE, `${file}, line ${index + 1}: not a cucumber message (${(error as Error).message})`);
    }
  }
  if (!envelopes.some((e) => e.testRunStarted)) {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `${file} holds no testRunStarted message: not a report of cucumber's message formatter`);
  }
  return envelopes;
}

/** Every `id` of a Gherkin document, in tree order. */
function nodeIds(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) nodeIds(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'id' && typeof child === 'string') into.push(child);
      else nodeIds(child, into);
    }
  }
  return into;
}

/** A copy of `value` with every string that is a key of `ids` replaced (ids are UUIDs or counters of one run: no text collides). */
function renamed<T>(value: T, ids: ReadonlyMap<string, string>): T {
  if (!ids.size) return value;
  if (typeof value === 'string') return (ids.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((item) => renamed(item, ids)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, renamed(child, ids)])) as T;
  }
  return value;
}

const seconds = (t: { seconds: number; nanos: number }): number => t.seconds + t.nanos / 1e9;

/** One run made of several: see the module's comment. */
export function mergeMessages(runs: readonly Envelope[][]): Envelope[] {
  if (!runs.length) throw new HarnessError(HarnessCodes.BAD_USAGE, 'no message reports to merge');
  const definitions: Envelope[] = [];
  const events: Envelope[] = [];
  const documents = new Map<string, string[]>();
  const sources = new Set<string>();
  let meta: Envelope | undefined;
  let started: Envelope | undefined;
  let finishedRun: Envelope | undefined;
  let success = true;
  for (const run of runs) {
    // Each shard lists every pickle of the features and runs its share: a pickle is kept
    // from the shard that ran it, so each scenario appears once.
    const ran = new Set(run.flatMap((e) => (e.testCase ? [e.testCase.pickleId] : [])));
    const ids = new Map<string, string>();
    const runStarted = run.find((e) => e.testRunStarted)?.testRunStarted;
    if (started?.testRunStarted?.id && runStarted?.id) ids.set(runStarted.id, started.testRunStarted.id);
    for (const envelope of run) {
      const doc = envelope.gherkinDocument;
      if (doc?.uri) {
        const known = documents.get(doc.uri);
        const mine = nodeIds(doc);
        if (known) {
          if (known.length !== mine.length) throw new HarnessError(HarnessCodes.BAD_USAGE, `${doc.uri} differs between the reports: they are not runs of the same features`);
          mine.forEach((id, i) => ids.set(id, known[i]!));
        } else documents.set(doc.uri, mine);
      }
    }
    for (const envelope of run) {
      if (envelope.meta) meta ??= envelope;
      else if (envelope.testRunStarted) {
        if (!started || seconds(envelope.testRunStarted.timestamp) < seconds(started.testRunStarted!.timestamp)) {
          started = { testRunStarted: { ...envelope.testRunStarted, ...(started?.testRunStarted?.id ? { id: started.testRunStarted.id } : {}) } };
        }
      } else if (envelope.testRunFinished) {
        success &&= envelope.testRunFinished.success;
        if (!finishedRun || seconds(envelope.testRunFinished.timestamp) > seconds(finishedRun.testRunFinished!.timestamp)) finishedRun = envelope;
      } else if (envelope.source) {
        if (!sources.has(envelope.source.uri)) {
          sources.add(envelope.source.uri);
          definitions.push(envelope);
        }
      } else if (envelope.gherkinDocument) {
        if (!ids.has(nodeIds(envelope.gherkinDocument)[0] ?? '')) definitions.push(envelope);
      } else if (envelope.pickle) {
        if (ran.has(envelope.pickle.id)) definitions.push(renamed(envelope, ids));
      } else if (DEFINITIONS.some((key) => envelope[key])) definitions.push(renamed(envelope, ids));
      else events.push(renamed(envelope, ids));
    }
  }
  if (!started || !finishedRun) throw new HarnessError(HarnessCodes.BAD_USAGE, 'a report has no testRunStarted or testRunFinished: was a run cut short?');
  const last = finishedRun.testRunFinished!;
  const finishedEnvelope: Envelope = {
    testRunFinished: { ...last, success, ...(started.testRunStarted!.id ? { testRunStartedId: started.testRunStarted!.id } : {}) },
  };
  return [...(meta ? [meta] : []), ...definitions, started, ...events, finishedEnvelope];
}

export interface MergedReports {
  messages: string;
  junit: string;
  html: string;
  scenarios: number;
}

/**
 * Reads the message files, merges them, and writes messages.ndjson, junit.xml and
 * report.html into `outDir`.
 */
export async function mergeReportFiles(messageFiles: readonly string[], outDir: string): Promise<MergedReports> {
  const runs = await Promise.all(messageFiles.map(async (file) => parseMessages(await readFile(file, 'utf8'), file)));
  const merged = mergeMessages(runs);
  await mkdir(outDir, { recursive: true });
  const out = { messages: join(outDir, 'messages.ndjson'), junit: join(outDir, 'junit.xml'), html: join(outDir, 'report.html') };
  await writeFile(out.messages, merged.map((e) => JSON.stringify(e)).join('\n') + '\n');

  let junit = '';
  const printer = new JUnitXmlPrinter({ suiteName: 'cardspec' }, (content) => (junit += content));
  for (const envelope of merged) printer.update(envelope);
  await writeFile(out.junit, junit);

  const html = createWriteStream(out.html);
  Readable.from(merged).pipe(new CucumberHtmlStream()).pipe(html);
  await finished(html);
  return { ...out, scenarios: merged.filter((e) => e.testCaseFinished && !e.testCaseFinished.willBeRetried).length };
}

/** As a script: `node merge-reports.js OUT-DIR FILE...`; prints the summary line, or the error with its code. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [outDir, ...files] = process.argv.slice(2);
  try {
    const merged = await mergeReportFiles(files, outDir!);
    console.log(`${merged.scenarios} scenarios from ${files.length} reports: ${merged.junit}, ${merged.html}, ${merged.messages}`);
  } catch (error) {
    console.error(`cardspec merge-reports: ${codedMessage(error)}`);
    process.exitCode = 1;
  }
}
