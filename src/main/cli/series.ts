// `series`: a run's recorded series as CSV (default) or JSON — metrics merged on step, and the per-step arrays
// (spectra, Lyapunov exponents, replica distances) and the divergence analysis in long CSV, one value per row.
// Values print at the precision the run stored them (format.ts).
import type { RunConfig } from '../../shared/config';
import { divergenceAnalysis, replicaLabels, type CurveAnalysis } from '../../shared/math/divergence';
import { RunStore } from '../store/run-store';
import { numberText } from './format';
import { UsageError, oneOf, parseFlags, suggestion } from './input';

const KINDS = ['spectra', 'estimated', 'lyapunov', 'replicas', 'divergence'] as const;
type Kind = (typeof KINDS)[number];
type Num = (v: number) => string;

const asJson = (o: unknown): string =>
  JSON.stringify(o, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float64Array) : v)) + '\n';

/** Header and rows of one per-step kind in long format. */
function kindCsv(store: RunStore, runId: string, config: RunConfig, kind: Kind, num: Num): string[] {
  const lines: string[] = [];
  switch (kind) {
    case 'spectra':
      // Only the non-null eigenvalues are stored (|λ| > τ); `index` is the place in the full ascending spectrum
      // of all n, so the n_null null eigenvalues are the gap between the negative and the positive ones.
      lines.push('step,index,eigenvalue');
      for (const f of store.readSpectra(runId)) {
        const neg = f.eigenvalues.findIndex((v) => v > 0);
        const nNeg = neg < 0 ? f.eigenvalues.length : neg;
        f.eigenvalues.forEach((v, i) => lines.push(`${f.step},${i < nNeg ? i : i + f.nullCount},${num(v)}`));
      }
      break;
    case 'estimated':
      // Lanczos runs (DESIGN §6): the extremes (lambda, residual ‖Hv − λv‖ as error) and the SLQ density on its
      // uniform grid (lambda, density, SE as error).
      lines.push('step,part,index,lambda,value,error');
      for (const f of store.readEstimatedSpectra(runId)) {
        f.top.forEach((v, i) => lines.push(`${f.step},top,${i},${num(v)},,${num(f.topResiduals[i])}`));
        f.bottom.forEach((v, i) => lines.push(`${f.step},bottom,${i},${num(v)},,${num(f.bottomResiduals[i])}`));
        const d = f.density;
        const h = d && d.values.length > 1 ? (d.hi - d.lo) / (d.values.length - 1) : 0;
        d?.values.forEach((v, i) => lines.push(`${f.step},density,${i},${num(d.lo + i * h)},${num(v)},${num(d.se[i])}`));
      }
      break;
    case 'lyapunov':
      lines.push('step,index,exponent');
      for (const f of store.readLyapunov(runId)) f.exponents.forEach((v, i) => lines.push(`${f.step},${i},${num(v)}`));
      break;
    case 'replicas': {
      const labels = config.replicas ? replicaLabels(config.replicas) : [];
      lines.push('step,replica,eps,seed,distance,along_grad,along_top');
      for (const f of store.readReplicas(runId))
        f.distances.forEach((d, r) =>
          lines.push([f.step, r, labels[r]?.eps ?? '', labels[r]?.seed ?? '', num(d), num(f.alongGrad[r]), num(f.alongTop[r])].join(',')),
        );
      break;
    }
    case 'divergence': {
      const a = analysis(store, runId, config);
      const cols = (c: CurveAnalysis): (number | string)[] => {
        const q = c.quad;
        return [
          q?.a ?? '',
          q?.se.a ?? '',
          q?.b ?? '',
          q?.se.b ?? '',
          q?.d0sq ?? '',
          q?.r2 ?? '',
          q?.n ?? '',
          c.crossover?.step ?? '',
          c.early?.slope ?? '',
          c.late?.slope ?? '',
        ];
      };
      lines.push('curve,eps,seed,a,a_se,b,b_se,d0sq,r2,n,crossover_step,early_rate,late_exponent');
      for (const r of a.replicas) lines.push(['replica', r.eps, r.seed, ...cols(r)].join(','));
      for (const g of a.groups) lines.push(['mean', g.eps, '', ...cols(g)].join(','));
      break;
    }
  }
  return lines;
}

/** The stored frames of a per-step kind, as `--format json` prints them (the density's fields flattened). */
function kindRows(store: RunStore, runId: string, kind: Exclude<Kind, 'divergence'>): unknown {
  switch (kind) {
    case 'spectra':
      return store.readSpectra(runId);
    case 'estimated':
      return store.readEstimatedSpectra(runId).map(({ density: d, ...e }) => ({
        ...e,
        probes: d?.probes ?? null,
        slqSteps: d?.steps ?? null,
        sigma: d?.sigma ?? null,
        countTol: d?.countTol ?? null,
        gridLo: d?.lo ?? null,
        gridHi: d?.hi ?? null,
        density: d?.values ?? null,
        densitySe: d?.se ?? null,
      }));
    case 'lyapunov':
      return store.readLyapunov(runId);
    case 'replicas':
      return store.readReplicas(runId);
  }
}

/** The divergence analysis recomputed from the stored distances with this version's fits (DESIGN §2). */
function analysis(store: RunStore, runId: string, config: RunConfig) {
  if (!config.replicas) throw new UsageError(`series: run ${runId} has no replicas, so no divergence`);
  return divergenceAnalysis(store.readReplicas(runId), replicaLabels(config.replicas));
}

export function cmdSeries(args: string[]): number {
  const { values, positionals } = parseFlags('series', args, { db: { type: 'string' }, format: { type: 'string', default: 'csv' } }, true);
  const [id, names] = positionals;
  if (!id || !names) throw new UsageError('series needs RUN_ID and NAME[,NAME…]');
  const format = oneOf(values.format!, ['csv', 'json'], '--format');
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: true });
  try {
    const rec = store.get(id);
    const num = numberText(rec.config.train.precision);
    const list = names.split(',');
    const kind = KINDS.find((k) => list.length === 1 && list[0] === k);
    if (kind) {
      if (format === 'csv') process.stdout.write(kindCsv(store, rec.id, rec.config, kind, num).join('\n') + '\n');
      else if (kind === 'divergence') process.stdout.write(asJson(analysis(store, rec.id, rec.config)));
      else process.stdout.write(asJson(kindRows(store, rec.id, kind)));
      return 0;
    }
    const known = rec.series;
    for (const m of list)
      if (!known.includes(m))
        throw new UsageError(
          `series: run ${rec.id} has no series '${m}'${suggestion(m, [...known, ...KINDS])} (it has: ${known.join(', ')}; or one of ${KINDS.join(', ')})`,
        );
    if (format === 'csv') process.stdout.write(store.seriesCsv(rec.id, list, num));
    else {
      const out: Record<string, { steps: number[]; values: number[] }> = {};
      for (const m of list) {
        const s = store.readSeries(rec.id, m);
        out[m] = { steps: Array.from(s.steps), values: Array.from(s.values) };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
    return 0;
  } finally {
    store.close();
  }
}
