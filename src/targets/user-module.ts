import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CardProfile } from '../../core/profile/types.js';

/**
 * The host's side of card modules (simulator/card/user-module.ts): the module a profile
 * names, bundled with esbuild into one ES module with what it imports (TypeScript types
 * stripped, cardspec/card helpers included), and an inline source map whose paths are the
 * host's files, so errors name them also when the code runs in the container.
 */

const bundles = new Map<string, { mtimeMs: number; code: Promise<string> }>();

/** The bundled code of the profile's card module, or undefined when it names none. */
export async function userModuleCode(profile: CardProfile): Promise<string | undefined> {
  const field = profile.module;
  if (field === undefined) return undefined;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(field.file).mtimeMs;
  } catch {
    return field.cursor.fail('a card module file that exists', `"${field.file}" (no such file)`);
  }
  let known = bundles.get(field.file);
  if (known === undefined || known.mtimeMs !== mtimeMs) {
    known = { mtimeMs, code: bundle(field.file) };
    bundles.set(field.file, known);
  }
  try {
    return await known.code;
  } catch (error) {
    bundles.delete(field.file);
    return field.cursor.fail('a card module that compiles', (error as Error).message);
  }
}

async function bundle(file: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [file],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    sourcemap: 'external',
    sourcesContent: false,
    logLevel: 'silent',
    // Not written: it places the map's relative paths.
    outfile: join(dirname(file), 'cardspec-module.bundle.mjs'),
  }).catch((error: { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }) => {
    const first = error.errors?.[0];
    if (!first) throw error;
    const at = first.location ? ` at ${resolve(dirname(file), first.location.file)}:${first.location.line}:${first.location.column + 1}` : '';
    throw new Error(`${first.text}${at}`);
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))!.text.replace(/\/\/# sourceMappingURL=.*\s*$/, '');
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'))!;
  const map = JSON.parse(mapFile.text) as { sources: string[] };
  map.sources = map.sources.map((source) => resolve(dirname(file), source));
  return `${code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}
