/**
 * The console's account of a failed scenario, for people who write specs: each step with
 * its place in the feature file (not in the harness's code), the failing step's message
 * under it, a step kept for `Then it fails with` marked as such, an undefined step with the
 * nearest built-in steps, and the scenario's traces. Hooks show only when they fail.
 */
import { formatterHelpers, Status } from '@cucumber/cucumber';
import { editDistance } from '../../core/text/nearest.js';

import { KEPT_PREFIX, SKIPPED_PREFIX } from '../support/log-lines.js';

type IParsedTestCaseAttempt = ReturnType<typeof formatterHelpers.parseTestCaseAttempt>;
type IParsedTestStep = IParsedTestCaseAttempt['testSteps'][number];

const LOG_MEDIA_TYPE = 'text/x.cucumber.log+plain';

const MARKS: Record<string, string> = {
  [Status.PASSED]: '✔',
  [Status.FAILED]: '✖',
  [Status.SKIPPED]: '-',
  [Status.UNDEFINED]: '?',
  [Status.PENDING]: '?',
  [Status.AMBIGUOUS]: '✖',
  [Status.UNKNOWN]: '?',
};

const indent = (text: string, spaces: number): string => text.split('\n').map((line) => `${' '.repeat(spaces)}${line}`).join('\n');

function logsOf(step: IParsedTestStep): string[] {
  return step.attachments.filter((a) => a.mediaType === LOG_MEDIA_TYPE).map((a) => a.body);
}

/** The reason a step gave for skipping the rest of its scenario, if it gave one. */
export function skipReason(steps: readonly IParsedTestStep[]): string | undefined {
  for (const step of steps) {
    const log = logsOf(step).find((l) => l.startsWith(SKIPPED_PREFIX));
    if (log) return log.slice(SKIPPED_PREFIX.length);
  }
  return undefined;
}

/** The failure a step kept for the next step (`Then it fails with`), if it kept one. */
export function keptFailure(step: IParsedTestStep): string | undefined {
  return logsOf(step).find((l) => l.startsWith(KEPT_PREFIX))?.slice(KEPT_PREFIX.length);
}

/** A step text with its quoted strings and numbers written as the parameters of a pattern. */
function asPattern(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '{string}').replace(/(?<=\s|^)-?\d+(?=\s|$)/g, '{int}');
}

/** Two words are alike when equal, or one typo apart in words of four letters or more. */
function alike(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || (Math.min(a.length, b.length) >= 4 && editDistance(a, b) <= 1);
}

/** How much two texts share: the longest common run of alike words, against both lengths (0..1). */
function similarity(a: readonly string[], b: readonly string[]): number {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      lcs[i]![j] = alike(a[i - 1]!, b[j - 1]!) ? lcs[i - 1]![j - 1]! + 1 : Math.max(lcs[i - 1]![j]!, lcs[i]![j - 1]!);
    }
  }
  return (2 * lcs[a.length]![b.length]!) / (a.length + b.length);
}

/** The built-in step patterns nearest to an undefined step's text, best first. */
export function nearestSteps(text: string, patterns: readonly string[], max = 3): string[] {
  const written = asPattern(text).split(/\s+/);
  return patterns
    .map((pattern) => ({ pattern, score: similarity(written, pattern.split(/\s+/)) }))
    .filter((c) => c.score >= 0.5)
    .sort((x, y) => y.score - x.score)
    .slice(0, max)
    .map((c) => c.pattern);
}

function place(step: IParsedTestStep): string {
  return step.sourceLocation ? `${step.sourceLocation.uri}:${step.sourceLocation.line}` : '';
}

function formatStep(step: IParsedTestStep, patterns: readonly string[]): string[] {
  const status = step.result.status;
  const isHook = step.text === undefined;
  if (isHook && status === Status.PASSED) return [];
  const kept = keptFailure(step);
  const mark = kept ? '↳' : (MARKS[status] ?? '?');
  const title = isHook ? `${step.keyword} hook` : `${step.keyword}${step.text}`;
  const lines = [`${mark} ${title}${isHook ? '' : `   ${place(step)}`}`];
  if (kept) lines.push(indent(`failed, as the next step expects: ${kept}`, 4));
  if (status === Status.FAILED || status === Status.AMBIGUOUS) lines.push(indent(step.result.message ?? 'failed', 4));
  if (status === Status.UNDEFINED && step.text !== undefined) {
    const near = nearestSteps(step.text, patterns);
    lines.push(indent(near.length > 0
      ? `no step has this text; did you mean:\n${near.map((p) => `  ${step.keyword}${p}`).join('\n')}`
      : 'no step has this text: docs/steps.md lists every step', 4));
    if (step.snippet) lines.push(indent(`(for programmers, a step definition to start from:)\n${step.snippet}`, 4));
  }
  return lines;
}

/** The scenario's APDU and PKCS#11 traces, attached by the After hook. */
function traces(steps: readonly IParsedTestStep[]): string[] {
  return steps.flatMap((step) => step.attachments
    .filter((a) => a.mediaType === 'text/plain' && a.fileName)
    .map((a) => `${a.fileName}:\n${indent(a.body, 2)}`));
}

export function formatIssue(number: number, parsed: IParsedTestCaseAttempt, patterns: readonly string[]): string {
  const where = parsed.testCase.sourceLocation;
  const lines = [`${number}) Scenario: ${parsed.testCase.name}   ${where ? `${where.uri}:${where.line}` : ''}`];
  for (const step of parsed.testSteps) lines.push(...formatStep(step, patterns).map((l) => indent(l, 3)));
  lines.push(...traces(parsed.testSteps).map((t) => indent(t, 3)));
  return `${lines.join('\n')}\n\n`;
}
