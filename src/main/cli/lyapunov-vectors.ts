// `lyapunov-vectors`: a run's Lyapunov vectors after S steps, read back when saved, else computed by replay and
// saved with the run (DESIGN §7).
import { lyapunovVectors, VectorsRequestError, type Frame, type VectorsRequest } from '../engine/lyapunov-vectors';
import { StoreLibrary } from '../store/run-library';
import { RunStore, StoreError } from '../store/run-store';
import { UsageError, intFlag, parseFlags } from './input';
import { writeOutput } from './output';

export async function cmdLyapunovVectors(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'lyapunov-vectors',
    args,
    {
      db: { type: 'string' },
      step: { type: 'string' },
      frame: { type: 'string', default: 'initial' },
      k: { type: 'string' },
      bottom: { type: 'boolean' },
      from: { type: 'string' },
      tol: { type: 'string' },
      'max-half-sweeps': { type: 'string' },
      recompute: { type: 'boolean' },
      continue: { type: 'boolean' },
      out: { type: 'string' },
      force: { type: 'boolean' },
    },
    true,
  );
  if (!positionals[0]) throw new UsageError('lyapunov-vectors needs RUN_ID');
  if (values.frame !== 'initial' && values.frame !== 'final') throw new UsageError(`--frame must be initial or final, got '${values.frame}'`);
  if (values.recompute && values.continue) throw new UsageError('--recompute and --continue exclude each other: start afresh, or go on from the saved vectors');
  const tol = values.tol === undefined ? undefined : Number(values.tol);
  if (tol !== undefined && !(tol > 0)) throw new UsageError(`--tol must be a number > 0, got '${values.tol}'`);
  const req: VectorsRequest = {
    frame: values.frame as Frame,
    which: values.bottom ? 'bottom' : 'top',
    step: intFlag(values.step, 'step', 1),
    k: values.k === 'all' ? 'all' : intFlag(values.k, 'k', 1),
    from: intFlag(values.from, 'from', 0),
    tol,
    maxHalfSweeps: intFlag(values['max-half-sweeps'], 'max-half-sweeps', 1),
    recompute: values.recompute ?? false,
    continueSaved: values.continue ?? false,
  };
  const flag: Record<keyof VectorsRequest, string> = {
    step: '--step',
    frame: '--frame',
    which: '--bottom',
    k: '--k',
    from: '--from',
    recompute: '--recompute',
    continueSaved: '--continue',
    tol: '--tol',
    maxHalfSweeps: '--max-half-sweeps',
    budget: '--budget',
  };
  const library = StoreLibrary.open(values.db ?? RunStore.defaultPath());
  try {
    try {
      library.find(positionals[0]);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'not-found') throw new UsageError(`RUN_ID: ${e.message}`);
      throw e;
    }
    let v;
    try {
      v = await lyapunovVectors(library, positionals[0], req, (line) => console.error(line));
    } catch (e) {
      if (e instanceof VectorsRequestError) throw new UsageError(`${flag[e.field]}: ${e.message}`);
      console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    const rows = Array.from({ length: v.k }, (_, i) => Array.from(v.vectors.subarray(i * v.dim, (i + 1) * v.dim)));
    const r = v.record;
    const text =
      JSON.stringify({
        step: v.step,
        frame: v.frame,
        which: v.which,
        k: v.k,
        n: v.dim,
        exponents: Array.from(v.exponents),
        vectors: rows,
        stored: v.stored,
        ...(r?.halfSweeps !== undefined ? { halfSweeps: r.halfSweeps, converged: r.converged, changes: r.changes } : {}),
      }) + '\n';
    if (r?.converged === false)
      console.error(
        `warning: not converged after ${r.halfSweeps} half-sweeps: the last one still moved a vector by ${Math.max(...(r.changes ?? [NaN])).toExponential(2)} > tol ${r.tol}`,
      );
    if (values.out) writeOutput(values.out, text, library.store.file, values.force ?? false);
    else process.stdout.write(text);
    return 0;
  } finally {
    library.close();
  }
}
