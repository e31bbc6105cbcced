// The RunLibrary a sweep's run writes to: a run store that links each new run to its place in the sweep in the
// transaction that creates it, and that reads an earlier stage's run from another run file (a Slurm task's) when
// that is where the source run lives: its config, series, checkpoints and saved vectors, for the replay that gives
// its initial-frame Lyapunov vectors (engine/lyapunov-vectors.ts).
import type { RunConfig } from '../../shared/config';
import type { MetricName, RunEnvironment } from '../../shared/frames';
import type { Checkpoint, ResultSink, RunSink, StoredRun } from '../engine/sink';
import { StoreLibrary } from '../store/run-library';
import type { RunStore } from '../store/run-store';

export interface SweepLibraryOptions {
  /** Called with the new run's id inside the transaction that creates it. */
  link?: (runId: string) => void;
  /** Stores (read-only) holding runs whose saved vectors this run may start from. */
  sources?: RunStore[];
}

export class SweepLibrary extends StoreLibrary {
  constructor(
    store: RunStore,
    private readonly opts: SweepLibraryOptions = {},
  ) {
    super(store);
  }

  override create(config: RunConfig, env: RunEnvironment): RunSink {
    return this.store.transaction(() => {
      const sink = super.create(config, env);
      this.opts.link?.(sink.runId);
      return sink;
    });
  }

  /** The read-only store (another task's run file) holding run `id`, or null when this store holds it. */
  private sourceOf(id: string): StoreLibrary | null {
    const holds = (s: RunStore): boolean => {
      try {
        return s.get(id) !== undefined;
      } catch {
        return false;
      }
    };
    const source = this.opts.sources?.find(holds);
    return source ? new StoreLibrary(source) : null;
  }

  override find(id: string, opts: { toContinue?: boolean } = {}): StoredRun {
    return this.sourceOf(id)?.find(id, opts) ?? super.find(id, opts);
  }

  override vectors(id: string, name: string, step: number | null) {
    return this.sourceOf(id)?.vectors(id, name, step) ?? super.vectors(id, name, step);
  }

  override series(id: string, metric: MetricName) {
    return this.sourceOf(id)?.series(id, metric) ?? super.series(id, metric);
  }

  override checkpointAtOrBefore(id: string, step: number): Checkpoint | null {
    const source = this.sourceOf(id);
    return source ? source.checkpointAtOrBefore(id, step) : super.checkpointAtOrBefore(id, step);
  }

  /**
   * Results about a run in a source file are not stored: that file is another task's, open read-only (and collected
   * as it is). Vectors computed from it by replay are used by this run and computed again if it restarts.
   */
  override results(id: string): ResultSink {
    if (!this.sourceOf(id)) return super.results(id);
    return { runId: id, saveVectors: () => {}, saveResult: () => {} };
  }

  override close(): void {
    super.close();
    for (const s of this.opts.sources ?? []) s.close();
  }
}
