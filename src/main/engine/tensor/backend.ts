// TensorFlow.js backend selection. Backends are loaded lazily with a guarded require, so a bundle or a
// machine without an optional package still works: tfjs-node-gpu → tfjs-node → wasm → cpu.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export interface BackendInfo {
  /** TF.js backend name: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** One line per better backend that was not used, saying why; plus how the choice was made. */
  notes: string[];
}

const CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
export const BACKEND_ENV = 'CHAOSLAB_BACKEND';

const nodeRequire: NodeJS.Require = typeof require === 'function' ? require : createRequire(import.meta.url);

/** Outcome of one attempt: the backend name on success, otherwise a note saying why not. */
type Attempt = { ok: true; name: string; notes: string[] } | { ok: false; note: string };

function isMissing(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === 'MODULE_NOT_FOUND' && typeof err.message === 'string' && err.message.includes(`'${pkg}'`);
}

function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function use(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise the backend`);
  await tf.ready();
}

async function tryTensorflow(gpu: boolean): Promise<Attempt> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const label = gpu ? 'tensorflow (GPU)' : 'tensorflow (CPU)';
  try {
    nodeRequire(pkg); // registers the 'tensorflow' backend
    await use('tensorflow');
  } catch (e) {
    if (isMissing(e, pkg)) {
      const how = gpu ? 'install it with CUDA 11.2/cuDNN 8.1 for GPU training' : 'install it for native TensorFlow on the CPU';
      return { ok: false, note: `${label}: ${pkg} is not installed — ${how}` };
    }
    return { ok: false, note: `${label}: ${pkg} failed to load: ${reason(e)}` };
  }
  const be = tf.backend() as { isUsingGpuDevice?: boolean };
  if (!gpu) return { ok: true, name: 'tensorflow', notes: [`tensorflow: native TensorFlow (${pkg}) on the CPU`] };
  const notes = be.isUsingGpuDevice
    ? ['tensorflow: running on the GPU']
    : [`tensorflow (GPU): ${pkg} loaded but TensorFlow sees no GPU (driver, CUDA 11.2, cuDNN 8.1?) — it runs on the CPU`];
  return { ok: true, name: 'tensorflow', notes };
}

let wasmPathSet = false;
async function tryWasm(): Promise<Attempt> {
  const pkg = '@tensorflow/tfjs-backend-wasm';
  try {
    const wasm = nodeRequire(pkg) as typeof import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathSet) {
      // Node reads the .wasm binaries from disk: point the loader at the package's dist folder.
      const dist = path.dirname(nodeRequire.resolve(`${pkg}/dist/tfjs-backend-wasm.wasm`));
      wasm.setWasmPaths(dist + path.sep);
      wasmPathSet = true;
    }
    await use('wasm');
    return { ok: true, name: 'wasm', notes: [] };
  } catch (e) {
    return { ok: false, note: `wasm: ${isMissing(e, pkg) ? `${pkg} is not installed` : `failed to load: ${reason(e)}`}` };
  }
}

async function tryCpu(): Promise<Attempt> {
  const pkg = '@tensorflow/tfjs-backend-cpu';
  try {
    nodeRequire(pkg);
    await use('cpu');
    return { ok: true, name: 'cpu', notes: [] };
  } catch (e) {
    return { ok: false, note: `cpu: ${isMissing(e, pkg) ? `${pkg} is not installed` : `failed to load: ${reason(e)}`}` };
  }
}

async function select(choice: BackendChoice, source: string): Promise<BackendInfo> {
  const chain: Array<() => Promise<Attempt>> =
    choice === 'auto'
      ? [() => tryTensorflow(true), () => tryTensorflow(false), tryWasm, tryCpu]
      : choice === 'tensorflow'
        ? [() => tryTensorflow(true), () => tryTensorflow(false)]
        : choice === 'wasm'
          ? [tryWasm]
          : [tryCpu];
  const notes: string[] = choice === 'auto' ? [] : [`backend '${choice}' requested by ${source}`];
  for (const attempt of chain) {
    const r = await attempt();
    if (r.ok) return { name: r.name, notes: [...notes, ...r.notes] };
    notes.push(r.note);
  }
  throw new Error(`No TensorFlow.js backend could be loaded for '${choice}' (${source}):\n${notes.join('\n')}`);
}

let active: BackendInfo | null = null;
let activeChoice: BackendChoice | null = null;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Selects and initialises a TF.js backend. `CHAOSLAB_BACKEND` (auto|tensorflow|wasm|cpu) overrides `prefer`.
 * An explicit choice that cannot load is an error; 'auto' falls through the chain. Calling again with the
 * same choice returns the current result; a different choice switches backend.
 */
export function initBackend(prefer: BackendChoice = 'auto'): Promise<BackendInfo> {
  const env = process.env[BACKEND_ENV];
  let choice = prefer;
  let source = 'the caller';
  if (env !== undefined && env !== '') {
    if (!(CHOICES as readonly string[]).includes(env)) {
      return Promise.reject(new Error(`${BACKEND_ENV}: expected one of ${CHOICES.join(', ')}; got '${env}'`));
    }
    choice = env as BackendChoice;
    source = `${BACKEND_ENV}=${env}`;
  } else if (!CHOICES.includes(prefer)) {
    return Promise.reject(new Error(`initBackend: prefer must be one of ${CHOICES.join(', ')}; got '${String(prefer)}'`));
  }
  // Serialise calls so two concurrent initialisations cannot interleave tf.setBackend.
  const run = queue.then(async () => {
    if (active && activeChoice === choice && tf.getBackend() === active.name) return active;
    const info = await select(choice, source);
    active = info;
    activeChoice = choice;
    return info;
  });
  queue = run.catch(() => undefined);
  return run;
}
