// Where the engine's output goes, and the little it reads back. The engine knows nothing of storage: the run
// store implements these interfaces (store/run-library.ts) for the app and the CLI; a sweep or a report can
// implement them too.
import type { RunConfig } from '../../shared/config';
import type {
  EstimatedSpectrumFrame,
  LyapunovFrame,
  MetricFrame,
  MetricName,
  ReplicaFrame,
  RunEnvironment,
  RunStatus,
  SpectrumFrame,
} from '../../shared/frames';
import type { Series } from '../../shared/records';

/** The whole state of an experiment after `step` steps; restoring it continues bitwise (experiment.ts). */
export interface Checkpoint {
  step: number;
  state: unknown;
  blobs: Record<string, Float64Array>;
}

/** Everything one training step records. */
export interface StepFrames {
  metrics: MetricFrame;
  spectrum?: SpectrumFrame | null;
  estimated?: EstimatedSpectrumFrame | null;
  lyapunov?: LyapunovFrame | null;
  replicas?: ReplicaFrame | null;
}

/** k vectors of dimension n (row-major in `data`) with one value each (`values`), saved after `step` steps. */
export interface SavedVectors {
  step: number;
  k: number;
  n: number;
  values: Float64Array;
  data: Float64Array;
}

/** Results attached to a run: saved vectors and named JSON results (the end-of-run analysis, computed vectors). */
export interface ResultSink {
  readonly runId: string;
  saveVectors(name: string, v: SavedVectors): void;
  saveResult(name: string, value: unknown): void;
}

/** One run being written. A step is kept whole or not at all; a checkpoint never gets ahead of the logged steps. */
export interface RunSink extends ResultSink {
  step(frames: StepFrames): void;
  /** Pending steps and the checkpoint, together. */
  checkpoint(cp: Checkpoint): void;
  flush(): void;
  /** Every replica frame logged so far (after a flush), for the end-of-run analysis. */
  replicaFrames(): ReplicaFrame[];
  finish(status: RunStatus, error: string | null): void;
}

/** A stored run as the engine sees it before resuming or replaying it. */
export interface StoredRun {
  id: string;
  config: RunConfig;
  status: RunStatus;
  /** The latest checkpoint. */
  checkpoint: Checkpoint | null;
  /** What it ran on (a replay that does not reproduce it names both). */
  env: RunEnvironment;
  /** Largest step logged (−1: none). */
  lastStep: number;
}

/** Where runs are kept: created, resumed, and read for the vectors a replica run starts from. */
export interface RunLibrary {
  create(config: RunConfig, env: RunEnvironment): RunSink;
  /** A stored run by id or unique id prefix; `toContinue`: refused by name while another live process writes it. */
  find(id: string, opts?: { toContinue?: boolean }): StoredRun;
  /**
   * Take over a stored run to continue it from its checkpoint at `fromStep`: refused by name while another live
   * process writes it; only once the claim is held is everything logged at or after `fromStep` dropped.
   */
  claim(id: string, fromStep: number): RunSink;
  /** Vectors saved under `name` at `step` (latest when null), or null with the steps that were saved. */
  vectors(id: string, name: string, step: number | null): { saved: SavedVectors | null; steps: number[]; runId: string };
  /** One logged metric series (empty when never logged). */
  series(id: string, metric: MetricName): Series;
  /** The latest stored checkpoint at or before `step` (the store keeps only the last few), or null. */
  checkpointAtOrBefore(id: string, step: number): Checkpoint | null;
  /** Attach results to a stored run without taking it over (it may be finished, or written by another process). */
  results(id: string): ResultSink;
  /** A named result attached to a run, or undefined. */
  result(id: string, name: string): unknown;
  close(): void;
}
