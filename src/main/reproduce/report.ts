// The report folder of `lab reproduce`: report.html (self-contained, figures inline as SVG), each figure as SVG and
// PNG with the CSV behind it, and summary.json with every number the report states. Files go through a temporary
// file renamed into place (store/file-target.ts); the folder is refused when it holds anything but a report.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { esc } from '../../shared/charts/svg';
import { rasterize } from '../charts/rasterize';
import { replaceFile } from '../store/file-target';
import type { Summary, VariantAccuracy } from '../../shared/reproduce';
import { ACCURACY_COLUMNS } from '../../shared/reproduce';
import type { ReportFigure } from './figures';

const REPORT_FILE = /^(report\.html|summary\.json|fig\d\.(svg|png|csv))$/;

/** Null when `dir` may hold the report, else why not (an existing report is replaced only with `force`); `name` names it. */
export function reportDirProblem(dir: string, force: boolean, name = `--out ${dir}`): string | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir);
  const foreign = files.filter((f) => !REPORT_FILE.test(f));
  if (foreign.length) return `${name} holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose an empty or new folder`;
  if (files.length && !force) return `${name} already holds a report; pass --force to replace it`;
  return null;
}

function accuracyTable(title: string, vs: VariantAccuracy[]): string {
  const rows = vs.map((v) => `<tr>${ACCURACY_COLUMNS.map((c) => `<td>${esc(c.cell(v))}</td>`).join('')}</tr>`).join('');
  return `<h3>${esc(title)}</h3><table><tr>${ACCURACY_COLUMNS.map((c) => `<th>${esc(c.title)}</th>`).join('')}</tr>${rows}</table>`;
}

export function reportHtml(s: Summary, figures: ReportFigure[]): string {
  const claims = s.claims
    .map(
      (c) =>
        `<section class="claim" data-claim="${esc(c.id)}"><h3>${esc(c.figure)}: ${esc(c.claim)}</h3><p class="verdict ${esc(c.verdict.replace(' ', '-'))}">Measured: <b>${esc(c.verdict)}</b> — ${esc(c.why)}</p><ul>${c.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></section>`,
    )
    .join('\n');
  const tables = [
    s.evidence.fig1 && accuracyTable('Figure 1', s.evidence.fig1.variants),
    s.evidence.fig2 && accuracyTable('Figure 2', s.evidence.fig2.variants),
  ]
    .filter(Boolean)
    .join('\n');
  const figs = figures
    .map(
      (f) =>
        `<figure id="${f.id}">${f.svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${esc(f.title)} — <a href="${f.id}.csv">data (CSV)</a>, <a href="${f.id}.png">PNG</a>, <a href="${f.id}.svg">SVG</a></figcaption></figure>`,
    )
    .join('\n');
  const runs = s.runs
    .map(
      (r) =>
        `<tr><td>${r.figure}</td><td>${esc(r.variant)}</td><td>${r.seed}</td><td>${esc(r.name)}</td><td><code>${esc(r.runId)}</code></td><td>${esc(r.status)}</td></tr>`,
    )
    .join('');
  const shortened =
    s.steps === null ? '' : `<p class="warn">Every run was shortened to ${s.steps} steps (a smoke test): the numbers below are not the paper's experiment.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>body{font:14px/1.45 'Liberation Sans',Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
.verdict.agrees b{color:#009E73}.verdict.disagrees b{color:#D55E00}.verdict.inconclusive b{color:#E69F00}.warn{color:#D55E00;font-weight:bold}
figure{margin:1rem 0}figure svg{width:100%;height:auto}</style></head><body>
<h1>${esc(s.title)}</h1>
<p>Created ${esc(s.created)} on ${esc(s.machine)}; database <code>${esc(s.database)}</code>, sweep <code>${esc(s.sweep)}</code>.</p>
${shortened}
<h2>The paper's claims and what was measured</h2>
${claims}
<h2>Final test accuracy</h2>
${tables}
<h2>Figures</h2>
${figs}
<h2>Defects of the original code that were avoided</h2>
<ul>${s.defectsAvoided.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
<h2>Runs</h2>
<table><tr><th>figure</th><th>variant</th><th>seed</th><th>name</th><th>run id</th><th>status</th></tr>${runs}</table>
</body></html>
`;
}

/** Write the report folder (summary.json, report.html, and per figure SVG, PNG at 300 dpi and CSV). */
export function writeReport(dir: string, s: Summary, figures: ReportFigure[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string | Buffer][] = [
    ...figures.flatMap((f): [string, string | Buffer][] => [
      [`${f.id}.svg`, f.svg],
      [`${f.id}.png`, rasterize(f.svg, 300)],
      [`${f.id}.csv`, f.csv],
    ]),
    ['summary.json', JSON.stringify(s, null, 2) + '\n'],
    ['report.html', reportHtml(s, figures)],
  ];
  for (const [name, data] of files) replaceFile(join(dir, name), (tmp) => writeFileSync(tmp, data));
  return files.map(([name]) => name);
}
