/**
 * The run's key plan (src/pkcs11/key-plan.ts) from its feature files, parsed as cucumber
 * parses them (Backgrounds, Rules and Examples applied), so that its workers start making
 * the RSA keys their scenarios will ask for before the first one does.
 */
import { readFileSync } from 'node:fs';
import { generateMessages } from '@cucumber/gherkin';
import { IdGenerator, SourceMediaType, type GherkinDocument, type Pickle } from '@cucumber/messages';
import { keyPlanOf, type KeyPlan } from '../pkcs11/key-plan.js';
import { featureFiles, splitFeaturePath } from './preflight.js';

/** The line of each scenario of a document, by its id. */
function scenarioLines(document: GherkinDocument): Map<string, number> {
  const lines = new Map<string, number>();
  for (const child of document.feature?.children ?? []) {
    for (const scenario of [child.scenario, ...(child.rule?.children ?? []).map((c) => c.scenario)]) {
      if (scenario) lines.set(scenario.id, scenario.location.line);
    }
  }
  return lines;
}

/** Whether a pickle is one a `:LINE` picks: its scenario's line, or its example row's. */
function picked(pickle: Pickle, lines: Set<number>, scenarios: Map<string, number>): boolean {
  if (pickle.location && lines.has(pickle.location.line)) return true;
  return pickle.astNodeIds.some((id) => lines.has(scenarios.get(id) ?? -1));
}

/** The scenarios' step texts under `paths`; a file that does not parse is left to cucumber to report. */
function scenarioSteps(paths: readonly string[]): string[][] {
  const scenarios: string[][] = [];
  for (const path of paths) {
    // The scenarios and example rows the path's `:LINE` suffixes pick; undefined: the whole file.
    const { lines } = splitFeaturePath(path);
    for (const file of featureFiles([path])) {
      const text = readFileSync(file, 'utf8');
      // Most features make no key pair: they need no parse.
      if (!text.includes('key pair')) continue;
      let envelopes;
      try {
        envelopes = generateMessages(text, file, SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN, {
          includeSource: false,
          includeGherkinDocument: true,
          includePickles: true,
          newId: IdGenerator.incrementing(),
        });
      } catch {
        continue;
      }
      const document = envelopes.find((e) => e.gherkinDocument)?.gherkinDocument;
      const lineOf = document ? scenarioLines(document) : new Map<string, number>();
      for (const { pickle } of envelopes) {
        if (pickle && (!lines || picked(pickle, lines, lineOf))) scenarios.push(pickle.steps.map((step) => step.text));
      }
    }
  }
  return scenarios;
}

export function keyPlanOfFeatures(paths: readonly string[]): KeyPlan {
  return keyPlanOf(scenarioSteps(paths));
}
