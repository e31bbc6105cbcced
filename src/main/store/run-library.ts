// The engine's RunLibrary on a run store: new runs, resumed runs (claimed before anything is dropped) and the
// saved vectors replica runs start from.
import type { RunConfig } from '../../shared/config';
import type { MetricName, RunEnvironment } from '../../shared/frames';
import type { Series } from '../../shared/records';
import type { Checkpoint, ResultSink, RunLibrary, RunSink, StoredRun } from '../engine/sink';
import { RunStore } from './run-store';
import { RunWriter } from './run-writer';

export class StoreLibrary implements RunLibrary {
  constructor(readonly store: RunStore) {}

  /** `verify: false` skips the quick_check of the whole file (the app's service checked it when it opened it). */
  static open(dbFile: string, opts: { verify?: boolean } = {}): StoreLibrary {
    return new StoreLibrary(RunStore.open(dbFile, opts));
  }

  create(config: RunConfig, env: RunEnvironment): RunSink {
    return new RunWriter(this.store, this.store.createRun(config, env));
  }

  /** To continue it: refused at once (before the engine loads any data) while another live process writes the run. */
  find(id: string, opts: { toContinue?: boolean } = {}): StoredRun {
    const rec = this.store.get(id);
    if (opts.toContinue) this.store.checkNotWritten(rec.id, 'continuing it');
    return { id: rec.id, config: rec.config, status: rec.status, checkpoint: this.store.latestCheckpoint(rec.id), env: rec.env, lastStep: rec.lastStep };
  }

  /** The claim and the truncation in one IMMEDIATE transaction: of two racing claimers one wins, the other changes nothing. */
  claim(id: string, fromStep: number): RunSink {
    this.store.transaction(() => {
      this.store.claimRun(id);
      this.store.truncateAfter(id, fromStep - 1);
    });
    return new RunWriter(this.store, this.store.get(id).id);
  }

  vectors(id: string, name: string, step: number | null) {
    const runId = this.store.get(id).id;
    return { runId, saved: this.store.loadVectors(runId, name, step ?? undefined), steps: this.store.vectorSteps(runId, name) };
  }

  series(id: string, metric: MetricName): Series {
    return this.store.readSeries(id, metric);
  }

  checkpointAtOrBefore(id: string, step: number): Checkpoint | null {
    return this.store.latestCheckpoint(id, step);
  }

  results(id: string): ResultSink {
    // A writer used only for results: it claims nothing and logs no steps.
    return new RunWriter(this.store, this.store.get(id).id);
  }

  result(id: string, name: string): unknown {
    return this.store.loadResult(id, name);
  }

  close(): void {
    this.store.close();
  }
}
