import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONTROL_OPS,
  ControlProtocolError,
  LineSplitter,
  decodeRequest,
  decodeResponse,
  encodeFailure,
  encodeRequest,
  encodeSuccess,
  requestIdOf,
  type ControlRequest,
} from '../../core/control/protocol.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

const line = (text: string): string => {
  assert.ok(text.endsWith('\n'), 'every message is one line with its newline');
  assert.equal(text.indexOf('\n'), text.length - 1, 'and only one newline');
  return text.slice(0, -1);
};

describe('control protocol: requests', () => {
  const requests: ControlRequest[] = [
    { op: 'insert', slot: 0, profile: { name: 'iso7816-demo' } },
    { op: 'insert', slot: 1, profile: { file: 'mine.yaml', files: { 'mine.yaml': 'name: mine\nextends: base\n', 'base.yaml': 'name: base\n' } } },
    { op: 'replace', slot: 0, profile: { name: 'iso7816-t0' } },
    { op: 'remove', slot: 0 },
    { op: 'reinsert', slot: 1 },
    { op: 'token', label: 'harness-token', userPin: '1234', soPin: '5678' },
    { op: 'faults', slot: 0, plan: { delayMs: 200, answers: ['6F00'], muteAfter: 2, removeOnNextApdu: true }, clear: false },
    { op: 'restart-pcscd' },
    { op: 'status' },
  ];

  it('round-trips every op as one JSON line with its id', () => {
    assert.deepEqual([...new Set(requests.map((r) => r.op))].sort(), [...CONTROL_OPS].sort());
    for (const [id, request] of requests.entries()) {
      assert.deepEqual(decodeRequest(line(encodeRequest(id, request))), { id, request });
    }
  });

  it('drops fields an op does not have', () => {
    assert.deepEqual(decodeRequest('{"id":3,"op":"remove","slot":1,"profile":{"name":"x"}}'), { id: 3, request: { op: 'remove', slot: 1 } });
  });

  const refused: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['[1,2]', /JSON object/],
    ['{"op":"status"}', /"id"/],
    ['{"id":-1,"op":"status"}', /"id"/],
    ['{"id":1.5,"op":"status"}', /"id"/],
    ['{"id":1,"op":"eject"}', /unknown op "eject" \(known: insert, replace, remove, reinsert, token, faults, restart-pcscd, status\)/],
    ['{"id":1,"op":"remove"}', /remove: "slot"/],
    ['{"id":1,"op":"remove","slot":-1}', /"slot" must be a non-negative integer/],
    ['{"id":1,"op":"insert","slot":0}', /insert: "profile"/],
    ['{"id":1,"op":"insert","slot":0,"profile":{"name":"../etc/passwd"}}', /bare name, not a path/],
    ['{"id":1,"op":"insert","slot":0,"profile":{"file":"a.yaml","files":{"b.yaml":"x"}}}', /lacks the profile file "a.yaml"/],
    ['{"id":1,"op":"insert","slot":0,"profile":{"file":"a.yaml","files":{"a.yaml":"x","../b.yaml":"y"}}}', /base names/],
    ['{"id":1,"op":"insert","slot":0,"profile":{"file":"a.yaml","files":{"a.yaml":7}}}', /base names to YAML text/],
    ['{"id":1,"op":"token","label":"","userPin":"1","soPin":"2"}', /token: "label"/],
    ['{"id":1,"op":"token","label":"t","soPin":"2"}', /token: "userPin"/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${text}`, () => {
      assert.throws(
        () => decodeRequest(text),
        (e: unknown) => e instanceof ControlProtocolError && e.code === HarnessCodes.UNSUPPORTED && message.test(e.message),
      );
    });
  }

  it('finds the id of a malformed request, so that its failure is answered to it', () => {
    assert.equal(requestIdOf('{"id":7,"op":"eject"}'), 7);
    assert.equal(requestIdOf('{"op":"eject"}'), undefined);
    assert.equal(requestIdOf('garbage'), undefined);
  });
});

describe('control protocol: responses', () => {
  it('round-trips a result', () => {
    const result = { slot: 0, reader: 'Virtual PCD 00 00', inserted: true, profile: 'iso7816-demo', atr: '3B88', replaced: false };
    assert.deepEqual(decodeResponse(line(encodeSuccess(4, result))), { id: 4, ok: true, result });
  });

  it("keeps a HarnessError's code and message, so the host raises the same error", () => {
    const error = new HarnessError(HarnessCodes.NO_CARD, 'the card is still in the reader: remove it first');
    assert.deepEqual(decodeResponse(line(encodeFailure(5, error))), { id: 5, ok: false, error: { code: 'CARDSPEC_NO_CARD', message: error.message } });
  });

  it('gives other errors a code of their own', () => {
    assert.deepEqual(decodeResponse(line(encodeFailure(6, new TypeError('boom')))), {
      id: 6,
      ok: false,
      error: { code: 'CARDSPEC_SIMULATOR_ERROR', message: 'boom' },
    });
  });

  it('refuses a response that is neither a result nor an error', () => {
    assert.throws(() => decodeResponse('{"id":1}'), ControlProtocolError);
    assert.throws(() => decodeResponse('{"id":1,"ok":false,"error":"x"}'), ControlProtocolError);
  });
});

describe('control protocol: line splitting', () => {
  it('splits lines at any cut, also inside a multi-byte character', () => {
    const stream = Buffer.from('{"a":"é→€"}\n{"b":2}\r\n\n{"c":3}\n', 'utf8');
    for (let cut = 0; cut <= stream.length; cut++) {
      const splitter = new LineSplitter();
      const lines = [...splitter.push(stream.subarray(0, cut)), ...splitter.push(stream.subarray(cut))];
      assert.deepEqual(lines, ['{"a":"é→€"}', '{"b":2}', '{"c":3}'], `cut at ${cut}`);
    }
  });

  it('keeps a partial line until its newline comes', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(Buffer.from('{"id"')), []);
    assert.deepEqual(splitter.push(Buffer.from(':1}')), []);
    assert.deepEqual(splitter.push(Buffer.from('\n')), ['{"id":1}']);
  });

  it('refuses a line longer than its limit instead of buffering it for ever', () => {
    const splitter = new LineSplitter(16);
    assert.throws(() => splitter.push(Buffer.alloc(17, 0x61)), /longer than 16 bytes/);
    assert.deepEqual(splitter.push(Buffer.from('ok\n')), ['ok'], 'and starts afresh after');
  });
});
