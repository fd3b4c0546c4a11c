import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseHardwareConfig, parseReaderSelector, resolveSecret, selectReaders } from '../../src/targets/hardware-config.js';

const READERS = ['Yubico YubiKey OTP+FIDO+CCID 00 00', 'Virtual PCD 00 00', 'Virtual PCD 00 01'];

describe('reader selection', () => {
  it('takes an exact name, an index, or a /pattern/ that may mean several readers', () => {
    assert.deepEqual(selectReaders(parseReaderSelector('Virtual PCD 00 01'), READERS), ['Virtual PCD 00 01']);
    assert.deepEqual(selectReaders(parseReaderSelector('0'), READERS), [READERS[0]]);
    assert.deepEqual(selectReaders(parseReaderSelector('/virtual pcd/i'), READERS), READERS.slice(1));
  });

  it('lists the readers when none matches', () => {
    assert.throws(() => selectReaders(parseReaderSelector('/Gemalto/'), READERS), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CARDSPEC_UNKNOWN_READER');
      assert.match(e.message, /no reader \/Gemalto\/ .*1: "Virtual PCD 00 00"/);
      return true;
    });
    assert.throws(() => selectReaders(parseReaderSelector('7'), READERS), /no reader number 7/);
  });
});

describe('parseHardwareConfig', () => {
  it('reads the reader, the timeout and the tokens', () => {
    const config = parseHardwareConfig(
      [
        'reader: /Virtual PCD/',
        'cardTimeoutMs: 5000',
        'pkcs11:',
        '  module: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
        '  tokens:',
        '    - label: harness-token',
        '      userPin: ${env:TOKEN_PIN}',
        '      soPin: ${file:/etc/cardspec/so-pin}',
      ].join('\n'),
      'bench.yaml',
    );
    assert.equal(config.reader?.kind, 'pattern');
    assert.equal(config.cardTimeoutMs, 5000);
    assert.equal(config.pkcs11?.module, '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so');
    assert.deepEqual(config.pkcs11?.tokens, [{ label: 'harness-token', userPin: '${env:TOKEN_PIN}', soPin: '${file:/etc/cardspec/so-pin}' }]);
  });

  it('takes the reader of a card-backed token (its token label is the card\'s)', () => {
    const config = parseHardwareConfig(
      ['pkcs11:', '  module: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '  tokens:', '    - label: harness-token', '      reader: Yubico YubiKey OTP+FIDO+CCID 00 00', '      userPin: ${env:TOKEN_PIN}'].join('\n'),
      'bench.yaml',
    );
    assert.deepEqual(config.pkcs11?.tokens, [{ label: 'harness-token', userPin: '${env:TOKEN_PIN}', soPin: undefined, reader: 'Yubico YubiKey OTP+FIDO+CCID 00 00' }]);
  });

  it('takes a file of comments only, and a missing reader or user PIN, as the defaults', () => {
    const config = parseHardwareConfig('# reader: /Gemalto/\n# cardTimeoutMs: 5000\n', 'bench.yaml');
    assert.equal(config.reader, undefined);
    assert.equal(config.cardTimeoutMs, 30_000);
    const tokens = parseHardwareConfig('pkcs11:\n  module: /x.so\n  tokens:\n    - label: t\n', 'bench.yaml');
    assert.equal(tokens.reader, undefined);
    assert.deepEqual(tokens.pkcs11?.tokens, [{ label: 't', userPin: '${env:TOKEN_PIN}', soPin: undefined }]);
  });

  it('reads the card PIN, by default ${env:CARD_PIN}', () => {
    assert.equal(parseHardwareConfig('reader: 0\n', 'bench.yaml').cardPin, '${env:CARD_PIN}');
    assert.equal(parseHardwareConfig('# only comments\n', 'bench.yaml').cardPin, '${env:CARD_PIN}');
    assert.equal(parseHardwareConfig('cardPin: ${file:/etc/cardspec/card-pin}\n', 'bench.yaml').cardPin, '${file:/etc/cardspec/card-pin}');
    assert.throws(() => parseHardwareConfig('reader: 0\ncardPin: "8642"\n', 'bench.yaml'), /bench\.yaml, line 2, cardPin: write \$\{env:NAME\} or \$\{file:PATH\}/);
    assert.throws(() => parseHardwareConfig('cardPin:\n', 'bench.yaml'), /line 1, cardPin: expected a value/);
  });

  it('refuses a PIN written as a value, naming file, line and field', () => {
    const text = 'pkcs11:\n  module: /x.so\n  tokens:\n    - label: t\n      userPin: "1234"\n';
    assert.throws(() => parseHardwareConfig(text, 'bench.yaml'), /bench\.yaml, line 5, pkcs11\.tokens\[0\]\.userPin: write \$\{env:NAME\}/);
  });

  it('names an unknown field and a bad timeout', () => {
    assert.throws(() => parseHardwareConfig('reader: 0\nreaders: 1\n', 'b.yaml'), /b\.yaml, line 2, readers: unknown field/);
    assert.throws(() => parseHardwareConfig('cardTimeoutMs: soon\n', 'b.yaml'), /line 1, cardTimeoutMs: expected milliseconds, got "soon"/);
  });
});

describe('resolveSecret', () => {
  it('reads ${env:NAME} and ${file:PATH}, and says which is missing', () => {
    assert.equal(resolveSecret('${env:PIN}', { PIN: '4711' }), '4711');
    assert.throws(() => resolveSecret('${env:PIN}', {}), /environment variable PIN is not set/);
    const dir = mkdtempSync(join(tmpdir(), 'cardspec-test-'));
    try {
      writeFileSync(join(dir, 'pin'), '0815\n');
      assert.equal(resolveSecret(`\${file:${join(dir, 'pin')}}`), '0815');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => resolveSecret('1234'), /never the value itself/);
  });
});
