import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import { pkcs11ProxyClientCandidates, profileSource } from '../../src/targets/container-host.js';
import { DEFAULT_BASE_IMAGE, DOCKERFILE, IMAGE_CONTEXT, imageContextFiles, imageTagFor } from '../../src/targets/container-image.js';

const file = (path: string, text: string): { path: string; content: Buffer } => ({ path, content: Buffer.from(text) });

describe('simulator image tag', () => {
  const files = [file('a/Dockerfile', 'FROM x\n'), file('dist/simulator/index.js', 'export {};\n')];
  const args = { BASE_IMAGE: 'debian:bookworm-slim' };

  it('is the repository and 16 hex digits of the context hash', () => {
    assert.match(imageTagFor(files, args), /^cardspec-simulator:[0-9a-f]{16}$/);
  });

  it('does not depend on the order the files are listed in', () => {
    assert.equal(imageTagFor([...files].reverse(), args), imageTagFor(files, args));
  });

  it('changes with any byte, any path and any build argument', () => {
    const tag = imageTagFor(files, args);
    assert.notEqual(imageTagFor([files[0]!, file('dist/simulator/index.js', 'export {}; \n')], args), tag);
    assert.notEqual(imageTagFor([files[0]!, file('dist/simulator/other.js', 'export {};\n')], args), tag);
    assert.notEqual(imageTagFor(files, { BASE_IMAGE: 'debian:trixie-slim' }), tag);
    assert.notEqual(imageTagFor([...files, file('extra', '')], args), tag, 'an empty file counts too');
  });

  it('cannot be fooled by moving bytes from one file to the next', () => {
    assert.notEqual(imageTagFor([file('a', 'xy'), file('b', 'z')], args), imageTagFor([file('a', 'x'), file('b', 'yz')], args));
  });
});

describe('simulator image context', () => {
  const root = packageRoot();

  it("holds the Dockerfile, the image's package files, the profiles and the compiled simulator, and nothing else", () => {
    const files = imageContextFiles(root);
    assert.deepEqual(files, [...files].sort());
    for (const needed of [DOCKERFILE, 'containers/simulator/package.json', 'simulator/profiles/iso7816-demo.yaml', 'dist/core/errors.js', 'dist/core/apdu/apdu.js', 'dist/simulator/control/main.js']) {
      assert.ok(files.includes(needed), needed);
    }
    assert.equal(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts') || f.startsWith('dist/test/') || f.startsWith('node_modules/')).length, 0);
  });

  it('copies in the Dockerfile only what the context holds', () => {
    const dockerfile = readFileSync(join(root, DOCKERFILE), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    assert.ok(sources.length >= 4);
    for (const source of sources) {
      if (source.includes('[')) continue; // the optional extra-ca.crt
      assert.ok(
        IMAGE_CONTEXT.some(({ path }) => source === path || source.startsWith(`${path}/`) || path.startsWith(`${source}/`)),
        `${source} is copied but not part of the hashed context`,
      );
    }
  });

  it(`builds on ${DEFAULT_BASE_IMAGE} unless told otherwise`, () => {
    assert.match(readFileSync(join(root, DOCKERFILE), 'utf8'), new RegExp(`^ARG BASE_IMAGE=${DEFAULT_BASE_IMAGE}$`, 'm'));
  });

  it("pins the image's npm packages to the project's locked versions", () => {
    const image = JSON.parse(readFileSync(join(root, 'containers/simulator/package.json'), 'utf8')) as { dependencies: Record<string, string>; type: string };
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const imageLock = JSON.parse(readFileSync(join(root, 'containers/simulator/package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    assert.equal(image.type, 'module', 'the compiled simulator is ESM');
    for (const [name, version] of Object.entries(image.dependencies)) {
      assert.equal(version, lock.packages[`node_modules/${name}`]?.version, `${name} as in package-lock.json`);
      assert.equal(imageLock.packages[`node_modules/${name}`]?.version, version, `${name} in the image's lock`);
    }
  });

  describe('without a build', () => {
    let bare: string;
    before(() => {
      bare = mkdtempSync(join(tmpdir(), 'cardspec-image-test-'));
      mkdirSync(join(bare, 'containers/simulator'), { recursive: true });
      mkdirSync(join(bare, 'simulator/profiles'), { recursive: true });
      mkdirSync(join(bare, 'native'), { recursive: true });
      for (const f of [DOCKERFILE, 'containers/simulator/package.json', 'containers/simulator/package-lock.json', 'native/pcscd_poll.c']) writeFileSync(join(bare, f), '{}');
    });
    after(() => rmSync(bare, { recursive: true, force: true }));

    it('says to build the project first', () => {
      assert.throws(
        () => imageContextFiles(bare),
        (e: unknown) => e instanceof HarnessError && e.code === HarnessCodes.MISSING_DEPENDENCY && /dist\/core.*npm run build/.test(e.message),
      );
    });
  });
});

describe('profiles sent to the container', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-profiles-'));
    writeFileSync(join(dir, 'mine.yaml'), 'name: mine\nextends: base\n');
    writeFileSync(join(dir, 'base.yml'), 'name: base\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a profile');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names a project profile: the image has the same files", () => {
    assert.deepEqual(profileSource('iso7816-t0'), { name: 'iso7816-t0' });
  });

  it('sends a profile file with the YAML files of its folder, for extends', () => {
    assert.deepEqual(profileSource(join(dir, 'mine.yaml')), {
      file: 'mine.yaml',
      files: { 'mine.yaml': 'name: mine\nextends: base\n', 'base.yml': 'name: base\n' },
    });
  });
});

describe("caml-crush's client module", () => {
  it("is looked for first in Debian's multiarch folder of the machine", () => {
    assert.equal(pkcs11ProxyClientCandidates('x64')[0], '/usr/lib/x86_64-linux-gnu/caml-crush/libp11clientunix.so');
    assert.equal(pkcs11ProxyClientCandidates('arm64')[0], '/usr/lib/aarch64-linux-gnu/caml-crush/libp11clientunix.so');
    assert.ok(pkcs11ProxyClientCandidates('riscv64').includes('/usr/lib64/caml-crush/libp11clientunix.so'));
  });
});
