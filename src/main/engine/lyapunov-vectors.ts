// A stored run's Lyapunov vectors (DESIGN §7), read from the store when saved, else computed by replay and saved:
// - initial frame: the right singular vectors of Y = J_{S−1}⋯J_from (directions at step `from` that grow (top) or
//   shrink (bottom) most until step S), saved as vectors `lyapunov-initial-top` / `lyapunov-initial-bottom` (with
//   `@from` when the window does not start at 0) at step S, the exponents as their values, and a result of the same
//   name plus `@S` recording the iteration (half-sweeps, convergence, memory, time); an iteration that stopped
//   short can be continued from the saved vectors, its record then covering the whole computation;
// - final frame: the QR (Benettin) vectors Q_S from the run's own random start, saved as `lyapunov` at step S —
//   what a run with a lyapunov section saves itself.
import { initialFrameVectors, type Extreme, type InitialFrameOptions } from './chaos/initial-frame';
import { Replay, type ReplayMemory } from './replay';
import type { RunLibrary, SavedVectors } from './sink';

export type Frame = 'initial' | 'final';

export interface VectorsRequest {
  /** The vectors after this many steps (default: all logged steps). */
  step?: number | null;
  frame: Frame;
  which: Extreme;
  /** How many; 'all' for every dimension (up to ALL_MAX_DIM); default: as saved, else the run's lyapunov.k, else 32. */
  k?: number | 'all' | null;
  /** Initial frame: the window's first step (default 0). */
  from?: number;
  /** Compute even when saved. */
  recompute?: boolean;
  /** Initial frame: go on iterating from the saved vectors (more half-sweeps for a computation that stopped short). */
  continueSaved?: boolean;
  tol?: number;
  maxHalfSweeps?: number;
  /** Replay memory budget in bytes (replay.ts). */
  budget?: number;
}

/** How a set of vectors was computed (the saved result entry). */
export interface VectorsRecord {
  frame: Frame;
  which: Extreme;
  from: number;
  step: number;
  k: number;
  dim: number;
  seconds: number;
  memory: ReplayMemory;
  /** Initial frame: vectors iterated (k + guard), half-sweeps, the largest Krylov space (0: plain iteration), convergence. */
  block?: number;
  halfSweeps?: number;
  krylov?: number;
  converged?: boolean;
  tol?: number;
  /** Initial frame: what the iteration started from. */
  start?: string;
  /** How far the last Rayleigh–Ritz step moved each triple. */
  changes?: number[];
  /** The largest change at each Rayleigh–Ritz step from the second on. */
  history?: number[];
}

export interface LyapunovVectors {
  runId: string;
  step: number;
  frame: Frame;
  which: Extreme;
  k: number;
  dim: number;
  /** Natural log per step: descending (top, final) or ascending from the most contracting (bottom). */
  exponents: Float64Array;
  /** k vectors of length dim (n; 2n with momentum, θ then the momentum buffer), vector i at i·dim. */
  vectors: Float64Array;
  /** Read from the store rather than computed now. */
  stored: boolean;
  record: VectorsRecord | null;
}

/** 'all' keeps dim vectors (dim² memory, dim³ work per step): offered up to this dimension. */
export const ALL_MAX_DIM = 2048;
const DEFAULT_K = 32;

/** A request that cannot be met as asked; `field` names the request field. */
export class VectorsRequestError extends Error {
  constructor(
    readonly field: keyof VectorsRequest,
    message: string,
  ) {
    super(message);
  }
}

export const vectorsName = (frame: Frame, which: Extreme, from: number): string =>
  frame === 'final' ? 'lyapunov' : `lyapunov-initial-${which}${from > 0 ? `@${from}` : ''}`;

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function describeMemory(m: ReplayMemory): string {
  return m.cached
    ? `every step's map held (${mb(m.peakMapBytes)}) + ${m.segments} checkpoints (${mb(m.checkpointBytes)})`
    : // The first sweep keeps every map until they pass the budget: the peak may exceed one segment's maps.
      `${m.segments} segments of ${m.segment} steps: checkpoints ${mb(m.checkpointBytes)} + step maps held at once ≤ ${mb(m.peakMapBytes)}`;
}

export async function lyapunovVectors(library: RunLibrary, id: string, req: VectorsRequest, log: (line: string) => void): Promise<LyapunovVectors> {
  const run = library.find(id);
  // The step maps (and their inverses) are built from the exact eigendecomposition; an estimate has only the extremes.
  if (run.config.spectrum.method !== 'exact')
    throw new Error(`run ${run.id} used spectrum.method '${run.config.spectrum.method}': Lyapunov vectors by replay need the exact spectrum of every step`);
  const dim = (run.config.train.momentum > 0 ? 2 : 1) * run.env.nParams;
  const from = req.from ?? 0;
  const logged = run.lastStep + 1;
  const step = req.step ?? logged;
  if (req.frame === 'final' && req.which === 'bottom')
    throw new VectorsRequestError(
      'which',
      'the final frame holds the QR vectors of the expanding directions; contracting (bottom) vectors are in the initial frame',
    );
  if (req.frame === 'final' && from > 0) throw new VectorsRequestError('from', 'the final-frame QR vectors start at step 0');
  if (!Number.isInteger(from) || from < 0) throw new VectorsRequestError('from', `must be a step ≥ 0, got ${from}`);
  if (!Number.isInteger(step) || step <= from || step > logged)
    throw new VectorsRequestError('step', `run ${run.id} logged steps 0…${run.lastStep}: the vectors after S steps need ${from} < S ≤ ${logged}, got ${step}`);
  const name = vectorsName(req.frame, req.which, from);
  const recordName = `${name}@${step}`;
  const stored = library.vectors(run.id, name, step).saved;
  let prior: { vectors: Float64Array; record: VectorsRecord | undefined } | null = null;
  if (req.continueSaved) {
    if (req.frame === 'final') throw new VectorsRequestError('continueSaved', 'the final-frame QR vectors are one sweep, not an iteration to continue');
    if (!stored || stored.n !== dim)
      throw new VectorsRequestError('continueSaved', `run ${run.id} has no saved '${name}' vectors at step ${step} to continue from`);
    prior = { vectors: stored.data, record: library.result(run.id, recordName) as VectorsRecord | undefined };
  }
  const saved = req.recompute || prior ? null : stored;
  let k: number;
  if (req.k === 'all') {
    if (dim > ALL_MAX_DIM)
      throw new VectorsRequestError('k', `'all' is offered up to ${ALL_MAX_DIM} dimensions (dim² memory, dim³ work per step); this run has ${dim}`);
    k = dim;
  } else if (req.k != null) {
    if (!Number.isInteger(req.k) || req.k < 1 || req.k > dim) throw new VectorsRequestError('k', `must be an integer in 1…${dim} or 'all', got ${req.k}`);
    k = req.k;
  } else {
    const own = run.config.lyapunov?.k;
    k = stored?.n === dim && !req.recompute ? stored.k : own === 'all' ? Math.min(dim, ALL_MAX_DIM) : Math.min(dim, own ?? DEFAULT_K);
  }
  if (saved && saved.n === dim && saved.k >= k) {
    log(`vectors '${name}' at step ${step}: saved with the run`);
    return {
      runId: run.id,
      step,
      frame: req.frame,
      which: req.which,
      k,
      dim,
      exponents: saved.values.slice(0, k),
      vectors: saved.data.slice(0, k * dim),
      stored: true,
      record: (library.result(run.id, recordName) as VectorsRecord | undefined) ?? null,
    };
  }

  const t0 = performance.now();
  log(
    `computing ${req.frame}-frame ${req.frame === 'final' ? '' : `${req.which} `}vectors of run ${run.id} over steps ${from}…${step - 1} by replay (k = ${k}, dim = ${dim})`,
  );
  const replay = await Replay.open(
    library,
    run.id,
    { from, to: step, budget: req.frame === 'final' ? 0 : req.budget, qrVectors: req.frame === 'final' ? k : null },
    log,
  );
  let out: { exponents: Float64Array; vectors: Float64Array; record: VectorsRecord };
  try {
    const base = { frame: req.frame, which: req.which, from, step, k, dim };
    const tick = Math.max(1, Math.ceil(replay.steps / 10));
    if (req.frame === 'final') {
      replay.forward((t) => (t + 1) % tick === 0 && log(`QR sweep: step ${t + 1} of ${step}`));
      const s = replay.exp.lyapunovState() as NonNullable<ReturnType<typeof replay.exp.lyapunovState>>;
      out = { exponents: s.exponents, vectors: s.vectors, record: { ...base, seconds: (performance.now() - t0) / 1000, memory: replay.memory() } };
    } else {
      // Continuing: from the saved vectors, forward. Else the run's own QR vectors after `step` steps,
      // Q = orth(Y·Q_0), are where a first forward half-sweep from a random start would arrive (with the run's k
      // vectors): the top block begins from them, backward.
      const own = !prior && req.which === 'top' && from === 0 ? library.vectors(run.id, vectorsName('final', 'top', 0), step).saved : null;
      const { given, start }: { given?: InitialFrameOptions['start']; start: string } = prior
        ? {
            given: { vectors: prior.vectors, at: 'initial' },
            start: `the saved vectors (${prior.vectors.length / dim}) after ${prior.record?.halfSweeps ?? '?'} half-sweeps, forward first`,
          }
        : own && own.n === dim
          ? {
              given: { vectors: own.data.subarray(0, own.k * dim), at: 'final' },
              start: `the run's own QR vectors after step ${step} (${own.k}), backward first`,
            }
          : { start: 'random' };
      log(`initial-frame iteration ${prior ? 'continues' : 'starts'} from ${start}`);
      const [r] = initialFrameVectors(replay, {
        k,
        start: given,
        which: [req.which],
        tol: req.tol,
        maxHalfSweeps: req.maxHalfSweeps,
        seed: run.config.seed,
        log: (line) => {
          log(line);
          if (line.startsWith('half-sweep 1 ')) log(`replay memory: ${describeMemory(replay.memory())}`);
        },
        progress: (p) => p.done % tick === 0 && log(`half-sweep ${p.halfSweep} (${p.forward ? 'forward' : 'backward'}): ${p.done} of ${p.of} steps`),
      });
      // A continued computation's record covers all of it: half-sweeps, time and history add up.
      const before = prior?.record;
      const record: VectorsRecord = {
        ...base,
        seconds: (before?.seconds ?? 0) + (performance.now() - t0) / 1000,
        memory: replay.memory(),
        block: r.block,
        start: before ? `${before.start ?? '?'}; continued from ${start}` : start,
        halfSweeps: (before?.halfSweeps ?? 0) + r.halfSweeps,
        krylov: Math.max(before?.krylov ?? 0, r.krylov),
        converged: r.converged,
        tol: r.tol,
        changes: Array.from(r.changes),
        history: [...(before?.history ?? []), ...r.history],
      };
      out = { exponents: r.exponents, vectors: r.initial, record };
    }
  } finally {
    replay.dispose();
  }
  const v: SavedVectors = { step, k, n: dim, values: out.exponents, data: out.vectors };
  const done = `${out.record.seconds.toFixed(1)} s; ${describeMemory(out.record.memory)}`;
  // The QR vectors a run saved itself are what its replica runs read: never replaced by others (other k, other start).
  if (req.frame === 'final' && library.vectors(run.id, name, step).saved) log(`the run's own '${name}' vectors at step ${step} are kept (${done})`);
  else {
    const sink = library.results(run.id);
    sink.saveVectors(name, v);
    sink.saveResult(recordName, out.record);
    log(`saved as '${name}' at step ${step} (${done})`);
  }
  return { runId: run.id, step, frame: req.frame, which: req.which, k, dim, exponents: out.exponents, vectors: out.vectors, stored: false, record: out.record };
}
