import type { SimResult, TimelinePoint } from './sim-result.js';

const W = 900;
const H = 420;
const M = { left: 60, right: 60, top: 40, bottom: 50 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One run as an SVG: the percentage the SDKs see (left axis), login success per arm over the last
 * five minutes (right axis, 0.5..1), the fault windows shaded and the rollback marked. Hand-written SVG.
 */
export function plotSvg(
  result: SimResult,
  timeline: readonly TimelinePoint[],
  faults: readonly { at: number; until?: number; label: string }[],
): string {
  const end = Math.max(1, result.simulatedSeconds, ...timeline.map((p) => p.t));
  const x = (t: number) => M.left + ((W - M.left - M.right) * t) / end;
  const yPct = (p: number) => H - M.bottom - ((H - M.top - M.bottom) * p) / 100;
  const ySucc = (s: number) => H - M.bottom - ((H - M.top - M.bottom) * Math.max(0, s - 0.5)) / 0.5;
  const path = (pts: [number, number][]) =>
    pts.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const line = (key: 'treatment' | 'control') => {
    const segments: string[] = [];
    let current: [number, number][] = [];
    for (const p of timeline) {
      const v = p[key];
      if (v === null) {
        if (current.length > 0) segments.push(path(current));
        current = [];
      } else current.push([x(p.t), ySucc(v)]);
    }
    if (current.length > 0) segments.push(path(current));
    return segments.join(' ');
  };
  const steps: [number, number][] = [];
  for (const p of timeline) {
    const prev = steps[steps.length - 1];
    if (prev) steps.push([x(p.t), prev[1]]);
    steps.push([x(p.t), yPct(p.percentage)]);
  }
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(
    `<text x="${M.left}" y="22" font-size="14" font-weight="bold">${esc(`${result.scenario} (seed ${result.seed}, ${result.rule}): ${result.outcome}`)}</text>`,
  );
  for (const f of faults) {
    const x0 = x(f.at);
    const x1 = x(Math.min(end, f.until ?? end));
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${M.top}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${H - M.top - M.bottom}" fill="#f4b400" fill-opacity="0.18"/>`,
    );
    parts.push(`<text x="${(x0 + 4).toFixed(1)}" y="${M.top + 14}" fill="#8a6d00">${esc(f.label)}</text>`);
  }
  for (const p of [0, 25, 50, 75, 100]) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${yPct(p)}" y2="${yPct(p)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 8}" y="${yPct(p) + 4}" text-anchor="end">${p} %</text>`);
    const s = 0.5 + (p / 100) * 0.5;
    parts.push(`<text x="${W - M.right + 8}" y="${yPct(p) + 4}">${s.toFixed(2)}</text>`);
  }
  for (let i = 0; i <= 6; i++) {
    const t = (end * i) / 6;
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${H - M.bottom + 18}" text-anchor="middle">${Math.round(t / 60)} min</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
  );
  parts.push(`<path d="${path(steps)}" fill="none" stroke="#1a73e8" stroke-width="2"/>`);
  parts.push(`<path d="${line('control')}" fill="none" stroke="#34a853" stroke-width="1.5"/>`);
  parts.push(`<path d="${line('treatment')}" fill="none" stroke="#ea4335" stroke-width="1.5"/>`);
  const marker =
    result.rollbackEffectiveAt ?? (result.outcome === 'rolled_back' ? result.simulatedSeconds : null);
  if (marker !== null) {
    parts.push(
      `<line x1="${x(marker).toFixed(1)}" x2="${x(marker).toFixed(1)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#000" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<text x="${(x(marker) - 4).toFixed(1)}" y="${M.top + 30}" text-anchor="end">rollback effective (${marker} s)</text>`,
    );
  }
  const legend = [
    ['#1a73e8', 'percentage (left)'],
    ['#ea4335', 'treatment login success, last 5 min (right)'],
    ['#34a853', 'control login success, last 5 min (right)'],
  ] as const;
  let lx = M.left;
  for (const [color, label] of legend) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${H - 12}" y2="${H - 12}" stroke="${color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${lx + 26}" y="${H - 8}">${esc(label)}</text>`);
    // About 6.5 px per character at 12 px sans-serif.
    lx += 26 + Math.ceil(label.length * 6.5) + 24;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
