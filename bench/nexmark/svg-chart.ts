/*
 * Charts as hand-written SVG (no dependency): grouped horizontal bars for the benchmark table and
 * lines for the trade-off measurements. Plain shapes and text only, so they render the same in a
 * browser, on GitHub and in an image viewer.
 */

/** A series: its name in the legend and its colour. */
export interface Series {
  readonly name: string;
  readonly color: string;
}

/**
 * One group of bars (a query): a value per series name, missing where a series has none.
 *
 * @example
 * const group: BarGroup = { label: 'q5', values: { Eddy: 1.4e6, Flink: 1.5e5 } };
 */
export interface BarGroup {
  readonly label: string;
  readonly values: Readonly<Record<string, number | undefined>>;
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function fmt(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 1 : 2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(v >= 1e4 ? 0 : 1)}k`;
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

/** Round numbers for an axis from 0 to at least max. */
function ticks(max: number, count = 5): number[] {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) out.push(t);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/** Room for the legend: its longest name at about 7 px a character, plus the colour key. */
function legendWidth(series: readonly Series[]): number {
  return Math.max(120, 30 + 7 * Math.max(0, ...series.map((s) => s.name.length)));
}

function legend(series: readonly Series[], x: number, y: number): string {
  return series
    .map((s, i) => `<rect x="${x}" y="${y + i * 18}" width="12" height="12" fill="${s.color}"/>`
      + `<text x="${x + 18}" y="${y + i * 18 + 10}" font-size="12" ${FONT}>${esc(s.name)}</text>`)
    .join('');
}

/**
 * Horizontal grouped bars, one group per row, with the value written after each bar.
 *
 * @example
 * writeFileSync('chart.svg', barChart({ title: 'events/s per core', series, groups }));
 */
export function barChart(opts: { title: string; subtitle?: string; unit: string; series: readonly Series[]; groups: readonly BarGroup[] }): string {
  const { series, groups } = opts;
  const barH = 14;
  const groupH = series.length * barH + 14;
  const left = 70;
  const plotW = 560;
  const top = opts.subtitle ? 62 : 46;
  const width = left + plotW + 60 + legendWidth(series);
  const height = Math.max(top + groups.length * groupH + 40, top + series.length * 18 + 40);
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => g.values[s.name] ?? 0)));
  const axis = ticks(max);
  const scale = plotW / axis[axis.length - 1];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="16" font-weight="bold" ${FONT}>${esc(opts.title)}</text>`,
  ];
  if (opts.subtitle) parts.push(`<text x="${left}" y="42" font-size="12" fill="#555" ${FONT}>${esc(opts.subtitle)}</text>`);
  const bottom = top + groups.length * groupH;
  for (const t of axis) {
    const x = left + t * scale;
    parts.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${bottom + 16}" font-size="11" text-anchor="middle" ${FONT}>${fmt(t)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${bottom + 34}" font-size="12" text-anchor="middle" ${FONT}>${esc(opts.unit)}</text>`);
  groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    parts.push(`<text x="${left - 8}" y="${y0 + (series.length * barH) / 2 + 4}" font-size="13" text-anchor="end" ${FONT}>${esc(g.label)}</text>`);
    series.forEach((s, si) => {
      const v = g.values[s.name];
      if (v === undefined) return;
      const y = y0 + si * barH;
      const w = Math.max(1, v * scale);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${s.color}"><title>${esc(`${g.label} ${s.name}: ${fmt(v)}`)}</title></rect>`);
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 4}" font-size="10" ${FONT}>${fmt(v)}</text>`);
    });
  });
  parts.push(legend(series, left + plotW + 60, top));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/**
 * Lines through measured points (x ascending), with a linear x and y axis from 0.
 *
 * @example
 * lineChart({ title: 'latency', xLabel: 'window (s)', yLabel: 'ms', series: [{ name: 'p50', color: '#1f77b4', points: [[1, 900], [10, 9000]] }] });
 */
export function lineChart(opts: {
  title: string; subtitle?: string; xLabel: string; yLabel: string;
  series: readonly (Series & { readonly points: readonly (readonly [number, number])[] })[];
}): string {
  const left = 70;
  const top = opts.subtitle ? 62 : 46;
  const plotW = 480;
  const plotH = 260;
  const width = left + plotW + 30 + legendWidth(opts.series);
  const height = top + plotH + 50;
  const xs = opts.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = opts.series.flatMap((s) => s.points.map((p) => p[1]));
  const xAxis = ticks(Math.max(1e-9, ...xs));
  const yAxis = ticks(Math.max(1e-9, ...ys));
  const sx = (x: number) => left + (x / xAxis[xAxis.length - 1]) * plotW;
  const sy = (y: number) => top + plotH - (y / yAxis[yAxis.length - 1]) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="16" font-weight="bold" ${FONT}>${esc(opts.title)}</text>`,
  ];
  if (opts.subtitle) parts.push(`<text x="${left}" y="42" font-size="12" fill="#555" ${FONT}>${esc(opts.subtitle)}</text>`);
  for (const t of yAxis) {
    parts.push(`<line x1="${left}" y1="${sy(t)}" x2="${left + plotW}" y2="${sy(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${sy(t) + 4}" font-size="11" text-anchor="end" ${FONT}>${fmt(t)}</text>`);
  }
  for (const t of xAxis) {
    parts.push(`<line x1="${sx(t)}" y1="${top}" x2="${sx(t)}" y2="${top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(t)}" y="${top + plotH + 16}" font-size="11" text-anchor="middle" ${FONT}>${fmt(t)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 36}" font-size="12" text-anchor="middle" ${FONT}>${esc(opts.xLabel)}</text>`);
  parts.push(`<text x="16" y="${top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})" ${FONT}>${esc(opts.yLabel)}</text>`);
  for (const s of opts.series) {
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.name}: (${fmt(p[0])}, ${fmt(p[1])})`)}</title></circle>`);
    }
  }
  parts.push(legend(opts.series, left + plotW + 30, top));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
