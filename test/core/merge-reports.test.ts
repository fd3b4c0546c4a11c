import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { mergeMessages, parseMessages } from '../../src/reports/merge.js';

const time = (seconds: number) => ({ seconds, nanos: 0 });

/** One shard's messages: the feature (same text, own ids) with two scenarios, of which it ran `ran`. */
function shard(prefix: string, ran: 'a' | 'b', startedAt: number, success: boolean): Envelope[] {
  const doc = {
    uri: 'features/x.feature',
    comments: [],
    feature: {
      id: undefined,
      location: { line: 1 },
      tags: [],
      language: 'en',
      keyword: 'Feature',
      name: 'X',
      description: '',
      children: [
        { scenario: { id: `${prefix}-s1`, location: { line: 2 }, tags: [], keyword: 'Scenario', name: 'a', description: '', steps: [], examples: [] } },
        { scenario: { id: `${prefix}-s2`, location: { line: 4 }, tags: [], keyword: 'Scenario', name: 'b', description: '', steps: [], examples: [] } },
      ],
    },
  };
  const pickle = (name: 'a' | 'b', node: string) => ({ pickle: { id: `${prefix}-p${name}`, uri: doc.uri, name, language: 'en', steps: [], tags: [], astNodeIds: [node] } });
  return [
    { meta: { protocolVersion: '1', implementation: { name: 'cucumber-js' }, runtime: { name: 'node' }, os: { name: 'linux' }, cpu: { name: 'x64' } } },
    { source: { uri: doc.uri, data: 'Feature: X', mediaType: 'text/x.cucumber.gherkin+plain' } },
    { gherkinDocument: doc },
    pickle('a', `${prefix}-s1`),
    pickle('b', `${prefix}-s2`),
    { testRunStarted: { timestamp: time(startedAt), id: `${prefix}-run` } },
    { testCase: { id: `${prefix}-tc`, pickleId: `${prefix}-p${ran}`, testSteps: [], testRunStartedId: `${prefix}-run` } },
    { testCaseStarted: { id: `${prefix}-tcs`, testCaseId: `${prefix}-tc`, attempt: 0, timestamp: time(startedAt + 1) } },
    { testCaseFinished: { testCaseStartedId: `${prefix}-tcs`, timestamp: time(startedAt + 2), willBeRetried: false } },
    { testRunFinished: { timestamp: time(startedAt + 3), success, testRunStartedId: `${prefix}-run` } },
  ] as unknown as Envelope[];
}

describe('merging the message reports of shards', () => {
  const merged = mergeMessages([shard('one', 'a', 100, true), shard('two', 'b', 90, false)]);

  it('keeps each feature once and each scenario from the shard that ran it', () => {
    assert.equal(merged.filter((e) => e.gherkinDocument).length, 1);
    assert.equal(merged.filter((e) => e.source).length, 1);
    assert.deepEqual(
      merged.flatMap((e) => (e.pickle ? [[e.pickle.id, e.pickle.astNodeIds[0]]] : [])),
      [
        ['one-pa', 'one-s1'],
        ['two-pb', 'one-s2'], // the second shard's node id mapped onto the kept document
      ],
    );
  });

  it('is one run: earliest start, latest end, success only when every shard passed', () => {
    const started = merged.filter((e) => e.testRunStarted);
    assert.equal(started.length, 1);
    assert.equal(started[0]!.testRunStarted!.timestamp.seconds, 90);
    assert.equal(started[0]!.testRunStarted!.id, 'one-run');
    const finished = merged.filter((e) => e.testRunFinished);
    assert.equal(finished.length, 1);
    assert.equal(finished[0]!.testRunFinished!.timestamp.seconds, 103);
    assert.equal(finished[0]!.testRunFinished!.success, false);
    assert.deepEqual(
      merged.flatMap((e) => (e.testCase ? [e.testCase.testRunStartedId] : [])),
      ['one-run', 'one-run'],
    );
    assert.equal(merged.at(-1), finished[0]);
  });

  it('names the file and line of a line that is no message', () => {
    assert.throws(() => parseMessages('{"meta":{}}\nnot json\n', 'shard-1/messages.ndjson'), /shard-1\/messages\.ndjson, line 2: not a cucumber message/);
    assert.throws(() => parseMessages('{"meta":{}}\n', 'x.ndjson'), /x\.ndjson holds no testRunStarted message/);
  });

  it('refuses reports of different features under the same name', () => {
    const other = shard('two', 'b', 90, true);
    const doc = other.find((e) => e.gherkinDocument)!.gherkinDocument!;
    (doc.feature!.children as unknown[]).pop();
    assert.throws(() => mergeMessages([shard('one', 'a', 100, true), other]), /features\/x\.feature differs between the reports/);
  });
});
