import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessError } from '../../core/errors.js';
import { last, parseArgs } from '../../src/cli/args.js';

const VALUED = ['target', 'tags', 'profile'] as const;
const FLAGS = ['verbose', 'help'] as const;

describe('parseArgs', () => {
  it('reads positionals, options and flags', () => {
    const a = parseArgs(['features/a.feature', '--target', 'sim', '--verbose', 'b.feature'], VALUED, FLAGS);
    assert.deepEqual(a.positionals, ['features/a.feature', 'b.feature']);
    assert.deepEqual(a.options.get('target'), ['sim']);
    assert.ok(a.flags.has('verbose'));
    assert.ok(!a.flags.has('help'));
    assert.deepEqual(a.passthrough, []);
  });

  it('collects a repeated option in order, and last() gives the last value', () => {
    const a = parseArgs(['--tags', '@a', '--tags=@b', '--tags', 'not @c'], VALUED, FLAGS);
    assert.deepEqual(a.options.get('tags'), ['@a', '@b', 'not @c']);
    assert.equal(last(a, 'tags'), 'not @c');
    assert.equal(last(a, 'target'), undefined);
  });

  it('reads --x=y, keeping further = in the value', () => {
    const a = parseArgs(['--target=container', '--profile=a=b'], VALUED, FLAGS);
    assert.deepEqual(a.options.get('target'), ['container']);
    assert.deepEqual(a.options.get('profile'), ['a=b']);
  });

  it('accepts an empty inline value', () => {
    assert.deepEqual(parseArgs(['--tags='], VALUED, FLAGS).options.get('tags'), ['']);
  });

  it('passes everything after -- through untouched', () => {
    const a = parseArgs(['--verbose', '--', '--format', 'json', '--bogus', 'x'], VALUED, FLAGS);
    assert.deepEqual(a.passthrough, ['--format', 'json', '--bogus', 'x']);
    assert.deepEqual(a.positionals, []);
    assert.ok(a.flags.has('verbose'));
  });

  it('treats a lone - as a positional', () => {
    assert.deepEqual(parseArgs(['-'], VALUED, FLAGS).positionals, ['-']);
  });

  it('names an unknown option and lists the known ones', () => {
    assert.throws(
      () => parseArgs(['--bogus'], VALUED, FLAGS),
      (e: unknown) => {
        assert.ok(e instanceof HarnessError);
        assert.match(e.message, /unknown option --bogus\b/);
        assert.ok(e.message.includes('--target'), e.message);
        assert.ok(e.message.includes('--verbose'), e.message);
        return true;
      },
    );
    assert.throws(() => parseArgs(['--bogus=1'], VALUED, FLAGS), /unknown option --bogus \(/);
  });

  it('rejects a value given to a flag (--verbose=false)', () => {
    assert.throws(() => parseArgs(['--verbose=false'], VALUED, FLAGS), /--verbose/);
  });

  it('says when an option lacks its value', () => {
    assert.throws(() => parseArgs(['--target'], VALUED, FLAGS), /option --target needs a value/);
  });
});
