// `params`: a run's latest parameters (or a replica's) in the flat PyTorch layout that --params and
// train.initParamsFile read.
import { replicaLabels } from '../../shared/math/divergence';
import { replicaBlob } from '../engine/experiment';
import { RunStore } from '../store/run-store';
import { UsageError, parseFlags } from './input';
import { writeOutput } from './output';

export function cmdParams(args: string[]): number {
  const { values, positionals } = parseFlags(
    'params',
    args,
    { db: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, replica: { type: 'string' } },
    true,
  );
  if (!positionals[0]) throw new UsageError('params needs RUN_ID');
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: true });
  try {
    const rec = store.get(positionals[0]);
    const cp = store.latestCheckpoint(rec.id);
    if (!cp?.blobs.theta) throw new UsageError(`run ${rec.id} has no checkpoint with parameters yet`);
    let out: Record<string, unknown> = { step: cp.step, params: Array.from(cp.blobs.theta) };
    if (values.replica !== undefined) {
      const labels = rec.config.replicas ? replicaLabels(rec.config.replicas) : [];
      const i = Number(values.replica);
      if (!labels.length) throw new UsageError(`--replica: run ${rec.id} has no replicas`);
      if (!Number.isInteger(i) || i < 0 || i >= labels.length)
        throw new UsageError(`--replica: '${values.replica}' is not a replica of run ${rec.id} (0…${labels.length - 1})`);
      const theta = cp.blobs[replicaBlob(i, 'theta')];
      if (!theta) throw new UsageError(`--replica: the checkpoint of run ${rec.id} at step ${cp.step} holds no parameters for replica ${i}`);
      out = { step: cp.step, replica: i, ...labels[i], params: Array.from(theta) };
    }
    const text = JSON.stringify(out) + '\n';
    if (values.out) writeOutput(values.out, text, store.file, values.force ?? false);
    else process.stdout.write(text);
    return 0;
  } finally {
    store.close();
  }
}
