/**
 * Where a cucumber run spends its time, from its message output (`--format message:FILE`):
 * the time of each step and hook by its definition (step pattern, or hook and its file),
 * and cucumber's own time between them. Works for any number of workers: each test case's
 * steps are matched by their ids.
 */
import { readFileSync } from 'node:fs';
import { median } from './stats.js';

/** cucumber's messages give times and durations as seconds and nanoseconds. */
export interface Timestamp {
  seconds: number;
  nanos: number;
}
export const timestampMs = (t: Timestamp): number => t.seconds * 1000 + t.nanos / 1e6;

export interface StepTiming {
  /** The step definition's pattern, or "hook file:line". */
  name: string;
  count: number;
  totalMs: number;
  medianMs: number;
}

export interface RunBreakdown {
  /** Steps and hooks by definition, the costliest first. */
  steps: StepTiming[];
  /** Per test case: its wall time minus its steps' time (cucumber's own work), summed. */
  betweenStepsMs: number;
  /** Sum of the test cases' wall times (over all workers). */
  testCasesMs: number;
  testCases: number;
}

type Envelope = {
  stepDefinition?: { id: string; pattern: { source: string }; sourceReference: { uri?: string; location?: { line: number } } };
  hook?: { id: string; name?: string; sourceReference: { uri?: string; location?: { line: number } } };
  testCase?: { id: string; testSteps: { id: string; hookId?: string; stepDefinitionIds?: string[] }[] };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: Timestamp };
  testCaseFinished?: { testCaseStartedId: string; timestamp: Timestamp };
  testStepFinished?: { testCaseStartedId: string; testStepId: string; testStepResult: { duration: Timestamp } };
};

export function stepBreakdown(messagesFile: string): RunBreakdown {
  const definitions = new Map<string, string>();
  const stepDefinitionOf = new Map<string, string>();
  const caseOfStarted = new Map<string, { start: number; stepsMs: number }>();
  const byName = new Map<string, number[]>();
  let betweenStepsMs = 0;
  let testCasesMs = 0;
  let testCases = 0;
  for (const line of readFileSync(messagesFile, 'utf8').split('\n')) {
    if (!line) continue;
    const envelope = JSON.parse(line) as Envelope;
    if (envelope.stepDefinition) definitions.set(envelope.stepDefinition.id, envelope.stepDefinition.pattern.source);
    if (envelope.hook) {
      const { uri, location } = envelope.hook.sourceReference;
      definitions.set(envelope.hook.id, `hook ${envelope.hook.name ?? ''}${(uri ?? '').replace(/^.*dist\//, '')}:${location?.line ?? '?'}`.replace('hook :', 'hook '));
    }
    if (envelope.testCase) {
      for (const step of envelope.testCase.testSteps) {
        const definition = step.hookId ?? step.stepDefinitionIds?.[0];
        stepDefinitionOf.set(step.id, definition ? (definitions.get(definition) ?? definition) : '(undefined step)');
      }
    }
    if (envelope.testCaseStarted) caseOfStarted.set(envelope.testCaseStarted.id, { start: timestampMs(envelope.testCaseStarted.timestamp), stepsMs: 0 });
    if (envelope.testStepFinished) {
      const ms = timestampMs(envelope.testStepFinished.testStepResult.duration);
      const name = stepDefinitionOf.get(envelope.testStepFinished.testStepId) ?? '?';
      (byName.get(name) ?? byName.set(name, []).get(name)!).push(ms);
      const started = caseOfStarted.get(envelope.testStepFinished.testCaseStartedId);
      if (started) started.stepsMs += ms;
    }
    if (envelope.testCaseFinished) {
      const started = caseOfStarted.get(envelope.testCaseFinished.testCaseStartedId);
      if (started) {
        const wall = timestampMs(envelope.testCaseFinished.timestamp) - started.start;
        testCasesMs += wall;
        betweenStepsMs += wall - started.stepsMs;
        testCases++;
      }
    }
  }
  const steps = [...byName].map(([name, times]) => ({
    name,
    count: times.length,
    totalMs: times.reduce((a, b) => a + b, 0),
    medianMs: median(times),
  }));
  steps.sort((a, b) => b.totalMs - a.totalMs);
  return { steps, betweenStepsMs, testCasesMs, testCases };
}
