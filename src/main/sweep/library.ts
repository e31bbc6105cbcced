// The RunLibrary a sweep's run writes to: a run store that links each new run to its place in the sweep in the
// transaction that creates it, and that finds the Lyapunov vectors of an earlier stage's run in another run
// file (a Slurm task's) when that is where the source run lives.
import type { RunConfig } from '../../shared/config';
import type { RunEnvironment } from '../../shared/frames';
import type { RunSink } from '../engine/sink';
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

  override vectors(id: string, name: string, step: number | null) {
    const holds = (s: RunStore): boolean => {
      try {
        return s.get(id) !== undefined;
      } catch {
        return false;
      }
    };
    const source = this.opts.sources?.find(holds);
    return source ? new StoreLibrary(source).vectors(id, name, step) : super.vectors(id, name, step);
  }

  override close(): void {
    super.close();
    for (const s of this.opts.sources ?? []) s.close();
  }
}
