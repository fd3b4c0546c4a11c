import type { Figure } from './result.js';
import { round } from './stats.js';

function show(value: number | null, unit = ''): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const text = Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : String(round(value, 3));
  return unit ? `${text} ${unit}` : text;
}

/** The "met" column: yes, NO, ? (could not be judged), or empty for a figure without a goal. */
function metCell(f: Figure): string {
  return f.met === undefined ? '' : f.met === null ? '?' : f.met ? 'yes' : 'NO';
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** The figures as a plain-text table: one line per figure, indented lines for references, then notes. */
export function formatTable(figures: readonly Figure[]): string {
  const rows: string[][] = [['figure', 'value', 'baseline', 'ratio', 'goal', 'met']];
  for (const f of figures) {
    rows.push([f.name, show(f.value, f.unit), `${show(f.baseline, f.unit)} (${f.baselineName})`, show(f.ratio), f.goal ?? '', metCell(f)]);
    for (const r of f.references ?? []) {
      rows.push([`  · ${r.name}`, show(r.value, r.unit), r.note ?? '', '', '', '']);
    }
  }
  const notes = figures.flatMap((f) => f.notes.map((n) => `${f.name}: ${n}`));
  return pad(rows) + (notes.length ? `\n\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : '');
}

/** The same table in Markdown, as docs/performance.md shows it (`npm run bench:table`). */
export function markdownTable(figures: readonly Figure[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = ['| figure | harness | baseline | ratio | goal | met |', '|---|---|---|---|---|---|'];
  for (const f of figures) {
    const baseline = f.baseline === null && f.baselineName === 'none' ? '— (none)' : `${show(f.baseline, f.unit)} (${f.baselineName})`;
    lines.push(`| \`${f.name}\` | ${show(f.value, f.unit)} | ${cell(baseline)} | ${show(f.ratio)} | ${cell(f.goal ?? '')} | ${metCell(f)} |`);
    for (const r of f.references ?? []) lines.push(`| · ${cell(r.name)} | ${show(r.value, r.unit)} | ${cell(r.note ?? '')} | | | |`);
  }
  return lines.join('\n');
}
