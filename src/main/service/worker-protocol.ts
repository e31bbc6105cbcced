// Messages between the WorkbenchService (main thread) and a worker (src/main/run-worker.ts).
import type { RunConfig } from '../../shared/config';
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, ReplicaFrame, RunEnvironment, RunStatus, SpectrumFrame } from '../../shared/frames';
import type { CostEstimate, Progress } from '../../shared/ipc';

/**
 * workerData: run an experiment (a new one from `config`, or continue stored run `resumeId` from its last
 * checkpoint; a sweep's run is linked to its sweep), or measure a config's cost estimate (a real spectrum step, kept
 * off the main thread).
 */
export type WorkerInput =
  | { task: 'run'; config: RunConfig; dbFile: string; sweep?: SweepSlot }
  | { task: 'continue'; resumeId: string; dbFile: string }
  | { task: 'estimate'; config: RunConfig };
/** The place of a run in a sweep: the worker links the run it creates to it (in the same transaction). */
export interface SweepSlot {
  id: string;
  index: number;
}

export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type WorkerMessage =
  | { type: 'started'; runId: string; env: RunEnvironment; totalSteps: number }
  | { type: 'metrics'; frame: MetricFrame }
  | { type: 'spectrum'; frame: SpectrumFrame }
  | { type: 'estimated'; frame: EstimatedSpectrumFrame }
  | { type: 'lyapunov'; frame: LyapunovFrame }
  | { type: 'replicas'; frame: ReplicaFrame }
  | { type: 'progress'; progress: Progress }
  | { type: 'log'; line: string }
  | { type: 'state'; state: 'running' | 'paused' | 'cancelled' }
  | { type: 'done'; runId: string; status: RunStatus; steps: number; error: string | null }
  | { type: 'estimate'; estimate: CostEstimate }
  | { type: 'error'; message: string };
