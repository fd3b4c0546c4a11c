import { Formatter, formatterHelpers, Status, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { keptFailure, skipReason } from './issues.js';

/**
 * JUnit XML with what a CI reader needs in each testcase: the steps with their places and
 * results, the failing step's message (in <failure>), and the scenario's APDU and PKCS#11
 * traces as the After hook attached them, secrets already masked there. A testcase per
 * scenario (its last attempt when @flaky retried it).
 */
export default class JunitFormatter extends Formatter {
  static override readonly documentation = 'JUnit XML with each scenario\'s steps, failure and masked APDU/PKCS#11 traces.';

  private startedAt: messages.Timestamp | undefined;

  constructor(options: IFormatterOptions) {
    super(options);
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      if (envelope.testRunStarted) this.startedAt = envelope.testRunStarted.timestamp;
      if (envelope.testRunFinished) this.log(this.report(envelope.testRunFinished.timestamp));
    });
  }

  private parse(testCaseAttempt: ReturnType<Formatter['eventDataCollector']['getTestCaseAttempts']>[number]): ReturnType<typeof formatterHelpers.parseTestCaseAttempt> {
    return formatterHelpers.parseTestCaseAttempt({ testCaseAttempt, snippetBuilder: this.snippetBuilder, supportCodeLibrary: this.supportCodeLibrary });
  }

  private report(finishedAt: messages.Timestamp): string {
    const attempts = this.eventDataCollector.getTestCaseAttempts().filter((a) => !a.willBeRetried);
    const cases = attempts.map((attempt) => this.testcase(attempt));
    const failures = cases.filter((c) => c.outcome === 'failed').length;
    const skipped = cases.filter((c) => c.outcome === 'skipped').length;
    const time = this.startedAt ? seconds(finishedAt) - seconds(this.startedAt) : 0;
    const timestamp = this.startedAt ? new Date(seconds(this.startedAt) * 1000).toISOString() : new Date().toISOString();
    return [
      '<?xml version="1.0"?>',
      `<testsuite name="cardspec" time="${time.toFixed(3)}" tests="${cases.length}" skipped="${skipped}" failures="${failures}" errors="0" timestamp="${timestamp}">`,
      ...cases.map((c) => c.xml),
      '</testsuite>',
      '',
    ].join('\n');
  }

  private testcase(attempt: ReturnType<Formatter['eventDataCollector']['getTestCaseAttempts']>[number]): { outcome: 'passed' | 'failed' | 'skipped'; xml: string } {
    const parsed = this.parse(attempt);
    const status = attempt.worstTestStepResult.status;
    const outcome = status === Status.PASSED ? 'passed' : status === Status.SKIPPED ? 'skipped' : 'failed';
    const durationS = Object.values(attempt.stepResults).reduce((sum, r) => sum + r.duration.seconds + r.duration.nanos / 1e9, 0);
    const steps: string[] = [];
    let failure: { type: string; message: string; step: string } | undefined;
    for (const step of parsed.testSteps) {
      const result = step.result.status.toLowerCase();
      const where = step.sourceLocation ? `  (${step.sourceLocation.uri}:${step.sourceLocation.line})` : '';
      const title = step.text === undefined ? `${step.keyword} hook` : `${step.keyword}${step.text}`;
      const kept = keptFailure(step);
      const shown = kept === undefined ? result : `failed, as the next step expects: ${kept}`;
      if (step.text !== undefined || step.result.status !== Status.PASSED) steps.push(`${title} ... ${shown}${where}`);
      if (!failure && (step.result.status === Status.FAILED || step.result.status === Status.UNDEFINED || step.result.status === Status.AMBIGUOUS)) {
        const message = step.result.message ?? (step.result.status === Status.UNDEFINED ? 'no step has this text' : result);
        // The error's code (CKR_PIN_INCORRECT, CARDSPEC_BAD_PROFILE) is the type a CI reader groups by.
        const code = /^([A-Z][A-Z0-9]*_[A-Z0-9_]+):/.exec(message)?.[1] ?? /\b((?:CKR|SCARD)_[A-Z0-9_]+)\b/.exec(message)?.[1];
        failure = { type: code ?? step.result.exception?.type ?? result, message, step: `${title}${where}` };
      }
    }
    const traces = parsed.testSteps.flatMap((step) => step.attachments
      .filter((a) => a.mediaType === 'text/plain' && a.fileName)
      .map((a) => `${a.fileName}:\n${a.body}`));
    const body: string[] = [];
    if (failure) {
      const text = [`${failure.step}\n${failure.message}`, ...traces].join('\n\n');
      body.push(`    <failure type="${attr(failure.type)}" message="${attr(failure.message.split('\n')[0] ?? '')}">${cdata(text)}</failure>`);
    } else if (outcome === 'skipped') {
      body.push(`    <skipped message="${attr(skipReason(parsed.testSteps) ?? 'skipped')}"/>`);
    }
    body.push(`    <system-out>${cdata([steps.join('\n'), ...traces].join('\n\n'))}</system-out>`);
    const feature = attempt.gherkinDocument.feature?.name ?? attempt.pickle.uri;
    return {
      outcome,
      xml: [`  <testcase classname="${attr(feature)}" name="${attr(attempt.pickle.name)}" time="${durationS.toFixed(3)}">`, ...body, '  </testcase>'].join('\n'),
    };
  }
}

function seconds(timestamp: messages.Timestamp): number {
  return timestamp.seconds + timestamp.nanos / 1e9;
}

/** Characters XML 1.0 cannot hold at all (control characters but tab, CR, LF). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

function attr(text: string): string {
  return text.replace(NOT_XML, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(NOT_XML, '?').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
