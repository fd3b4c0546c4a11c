import { formatterHelpers, SummaryFormatter, Status, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { formatIssue, skipReason } from './issues.js';

/**
 * How long a finished scenario's line may wait to be written with the next ones: writing
 * to a pipe is a system call that also wakes its reader (on 2 busy cores, about as much as
 * cucumber spends on a trivial scenario), so the lines go out in one write at most this
 * often. The live line of a terminal is written at once.
 */
const LINE_FLUSH_MS = 100;

/**
 * The run's progress: on a terminal one live line (scenarios done, passed, failed, the
 * current scenario); elsewhere (CI) a plain line per finished scenario, written within
 * LINE_FLUSH_MS. At the end, cucumber's failures and summary, then one line any CI reads:
 * `N passed, N failed` (and `, N skipped` when some were).
 */
export default class ProgressFormatter extends SummaryFormatter {
  static override readonly documentation = 'Live progress on a terminal, a line per scenario elsewhere, and an "N passed, N failed" line.';

  private total = 0;
  private readonly counts = { passed: 0, failed: 0, skipped: 0 };
  private readonly live: boolean;
  /** Scenario lines by Gherkin document, worked out once per feature file. */
  private readonly locations = new WeakMap<messages.GherkinDocument, Record<string, messages.Location>>();
  /** Lines of finished scenarios not written yet, and the timer that writes them. */
  private pending = '';
  private flushTimer: NodeJS.Timeout | undefined;
  /** An interrupted run ends without a summary: its last lines are written on the way out. */
  private readonly flushOnExit = (): void => this.flush();

  constructor(options: IFormatterOptions) {
    super(options);
    this.live = (options.stream as { isTTY?: boolean }).isTTY === true;
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      if (envelope.testCase) this.total++;
      else if (envelope.testCaseStarted && this.live) this.showLive(this.scenarioName(envelope.testCaseStarted.id));
      else if (envelope.testCaseFinished) this.scenarioFinished(envelope.testCaseFinished);
    });
  }

  private scenarioName(testCaseStartedId: string): string {
    const attempt = this.eventDataCollector.getTestCaseAttempt(testCaseStartedId);
    return attempt.pickle.name;
  }

  private scenarioFinished(event: messages.TestCaseFinished): void {
    if (event.willBeRetried) return;
    const attempt = this.eventDataCollector.getTestCaseAttempt(event.testCaseStartedId);
    const status = attempt.worstTestStepResult.status;
    const outcome = status === Status.PASSED ? 'passed' : status === Status.SKIPPED ? 'skipped' : 'failed';
    this.counts[outcome]++;
    if (this.live) {
      this.showLive('');
    } else {
      const line = this.scenarioLocations(attempt.gherkinDocument)[attempt.pickle.astNodeIds.at(-1) ?? '']?.line;
      // The reason's first clause; the whole of it (the token's mechanisms, say) is in the reports.
      const reason = outcome === 'skipped' ? skipReason(this.parse(attempt).testSteps)?.split('; ')[0] : undefined;
      this.logLater(`${outcome.padEnd(7)} ${attempt.pickle.uri}${line ? `:${line}` : ''}  ${attempt.pickle.name}${reason ? `  (${reason})` : ''}\n`);
    }
  }

  private logLater(text: string): void {
    if (this.pending === '') {
      this.flushTimer = setTimeout(() => this.flush(), LINE_FLUSH_MS);
      process.once('exit', this.flushOnExit);
    }
    this.pending += text;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    process.off('exit', this.flushOnExit);
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.log(text);
  }

  private parse(testCaseAttempt: Parameters<typeof formatterHelpers.parseTestCaseAttempt>[0]['testCaseAttempt']): ReturnType<typeof formatterHelpers.parseTestCaseAttempt> {
    return formatterHelpers.parseTestCaseAttempt({ testCaseAttempt, snippetBuilder: this.snippetBuilder, supportCodeLibrary: this.supportCodeLibrary });
  }

  /** Failed scenarios, told with feature-file places and "did you mean" (issues.ts). */
  override logIssues({ issues, title }: { issues: Parameters<ProgressFormatter['parse']>[0][]; title: string }): void {
    this.flush();
    const patterns = this.supportCodeLibrary.stepDefinitions.map((d) => (typeof d.pattern === 'string' ? d.pattern : d.pattern.source));
    this.log(`${title}:\n\n`);
    issues.forEach((attempt, index) => this.log(formatIssue(index + 1, this.parse(attempt), patterns)));
  }

  private scenarioLocations(document: messages.GherkinDocument): Record<string, messages.Location> {
    let locations = this.locations.get(document);
    if (!locations) {
      locations = formatterHelpers.GherkinDocumentParser.getGherkinScenarioLocationMap(document);
      this.locations.set(document, locations);
    }
    return locations;
  }

  private done(): number {
    return this.counts.passed + this.counts.failed + this.counts.skipped;
  }

  private showLive(current: string): void {
    const { passed, failed } = this.counts;
    const line = `${this.done()}/${this.total} scenarios  ${passed} passed  ${failed} failed${current ? `  > ${current}` : ''}`;
    const width = (this.stream as { columns?: number }).columns ?? 100;
    this.log(`\r\x1b[K${line.slice(0, width - 1)}`);
  }

  override logSummary(testRunDuration: messages.Duration): void {
    this.flush();
    if (this.live) this.log('\r\x1b[K');
    this.log('\n');
    super.logSummary(testRunDuration);
    const { passed, failed, skipped } = this.counts;
    this.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }

  override async finished(): Promise<void> {
    this.flush();
    await super.finished();
  }
}
