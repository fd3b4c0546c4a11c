/**
 * The bench's ratios against their goals as an SVG bar chart (no dependency: the SVG is
 * written by hand). One bar per figure with a goal: its ratio to the baseline (or, for a
 * goal on the value itself, value / goal; for a goal on what is added to the baseline,
 * added / allowed), a mark at the goal, green when met. For
 * apdu-roundtrip, the other clients' bars follow on the same scale (C loop = 1).
 */
import type { Figure } from './result.js';

interface Bar {
  label: string;
  ratio: number;
  goal: number | undefined;
  /** Whether a smaller ratio is better (time) or a larger one (rate). */
  lowerIsBetter: boolean;
  met: boolean | undefined;
  indent: boolean;
}

const ROW_PX = 24;
const LABEL_PX = 330;
const BAR_PX = 380;
const TOP_PX = 36;
const BOTTOM_PX = 30;
const WIDTH_PX = LABEL_PX + BAR_PX + 70;

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The goal as a ratio: "ratio <= 1.15" is 1.15 on the ratio; "value <= 8 s" is 1 on value / 8. */
function barOf(figure: Figure): Bar | undefined {
  if (!figure.goal || figure.value === null) return undefined;
  const onRatio = /^ratio (<=|>=|<|>) ([\d.]+)/.exec(figure.goal);
  if (onRatio && figure.ratio !== null) {
    return { label: figure.name, ratio: figure.ratio, goal: Number(onRatio[2]), lowerIsBetter: onRatio[1]!.startsWith('<'), met: figure.met ?? undefined, indent: false };
  }
  const onValue = /^value (<=|<) ([\d.]+)/.exec(figure.goal);
  if (onValue) {
    return { label: `${figure.name} (value / goal)`, ratio: figure.value / Number(onValue[2]), goal: 1, lowerIsBetter: true, met: figure.met ?? undefined, indent: false };
  }
  const onAdded = /adds <= ([\d.]+)/.exec(figure.goal);
  if (onAdded && figure.baseline !== null) {
    return { label: `${figure.name} (added / allowed)`, ratio: (figure.value - figure.baseline) / Number(onAdded[1]), goal: 1, lowerIsBetter: true, met: figure.met ?? undefined, indent: false };
  }
  return undefined;
}

/** The other clients of apdu-roundtrip, on the C loop's scale. */
function clientBars(figure: Figure): Bar[] {
  if (figure.name !== 'apdu-roundtrip' || figure.baseline === null) return [];
  const bars: Bar[] = [{ label: 'C SCardTransmit loop', ratio: 1, goal: undefined, lowerIsBetter: true, met: undefined, indent: true }];
  for (const reference of figure.references ?? []) {
    if (reference.value === null || !/pyscard|thread pool|binding alone/.test(reference.name)) continue;
    bars.push({ label: reference.name, ratio: reference.value / figure.baseline, goal: undefined, lowerIsBetter: true, met: undefined, indent: true });
  }
  return bars;
}

export function ratioChart(figures: readonly Figure[], title: string): string {
  const bars: Bar[] = [];
  for (const figure of figures) {
    const bar = barOf(figure);
    if (!bar) continue;
    bars.push(bar, ...clientBars(figure));
  }
  const scaleMax = Math.max(2, ...bars.map((b) => Math.max(b.ratio, b.goal ?? 0))) * 1.05;
  const x = (ratio: number): number => LABEL_PX + (Math.min(ratio, scaleMax) / scaleMax) * BAR_PX;
  const height = TOP_PX + bars.length * ROW_PX + BOTTOM_PX;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${height}" viewBox="0 0 ${WIDTH_PX} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  // The scale: a line at every 0.5, labelled; 1 (the baseline) darker.
  for (let tick = 0; tick <= scaleMax; tick += 0.5) {
    const tx = x(tick);
    parts.push(`<line x1="${tx}" y1="${TOP_PX - 6}" x2="${tx}" y2="${height - BOTTOM_PX}" stroke="${tick === 1 ? '#888' : '#ddd'}"/>`);
    parts.push(`<text x="${tx}" y="${height - BOTTOM_PX + 14}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }
  bars.forEach((bar, i) => {
    const y = TOP_PX + i * ROW_PX;
    const colour = bar.met === undefined ? '#9aa7b8' : bar.met ? '#3c9a5f' : '#c8553d';
    parts.push(`<text x="${bar.indent ? 24 : 10}" y="${y + 15}"${bar.indent ? ' fill="#444"' : ''}>${escapeXml(bar.label)}</text>`);
    parts.push(`<rect x="${LABEL_PX}" y="${y + 4}" width="${x(bar.ratio) - LABEL_PX}" height="${ROW_PX - 8}" fill="${colour}"/>`);
    parts.push(`<text x="${x(bar.ratio) + 4}" y="${y + 15}">${bar.ratio.toFixed(2)}</text>`);
    if (bar.goal !== undefined) {
      const gx = x(bar.goal);
      parts.push(`<line x1="${gx}" y1="${y + 1}" x2="${gx}" y2="${y + ROW_PX - 1}" stroke="black" stroke-width="2"/>`);
      parts.push(`<title>${escapeXml(`${bar.label}: ${bar.ratio.toFixed(3)}, goal ${bar.lowerIsBetter ? '≤' : '≥'} ${bar.goal}`)}</title>`);
    }
  });
  parts.push(`<text x="${LABEL_PX}" y="${height - 4}" fill="#555">ratio to the baseline; black mark: the goal; green met, red missed, grey: reference</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
