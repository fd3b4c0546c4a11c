/**
 * Prints bench/results/latest.json (or the file given) as the Markdown table of
 * docs/performance.md: `npm run bench:table`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchResultsDir } from './lib/paths.js';
import type { Figure } from './lib/result.js';
import { markdownTable } from './lib/table.js';

const file = process.argv[2] ?? join(benchResultsDir(), 'latest.json');
console.log(markdownTable(JSON.parse(readFileSync(file, 'utf8')) as Figure[]));
