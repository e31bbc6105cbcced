// `estimate`: what a config will cost on this machine before it runs — in words by default, JSON with --json.
import type { RunConfig } from '../../shared/config';
import type { CostEstimate } from '../../shared/records';
import { estimateCost } from '../engine/estimate';
import { bytes, duration } from './format';
import { UsageError, loadConfig, parseFlags } from './input';
import { describeRun } from './summary';

function estimateText(c: RunConfig, e: CostEstimate): string {
  const perStep = `${e.msPerStep.toFixed(1)} ms per step${e.extrapolated ? ' (extrapolated from a smaller model of the same kind)' : ''}`;
  const total = e.steps === null ? 'total time unknown (steps given in epochs)' : `${e.steps} steps ≈ ${duration((e.steps * e.msPerStep) / 1000)}`;
  return [
    describeRun(c, e.nParams),
    `rank(H_B) ≤ ${e.rankBound}`,
    `time: ${perStep}; ${total}`,
    `memory ${bytes(e.memoryBytes)} at once; disk ${bytes(e.diskBytes)}`,
    ...(e.method
      ? [
          `method: ${e.method.configured}${e.method.recommended === e.method.configured ? ' (recommended)' : ` (recommended: ${e.method.recommended})`} — ${e.method.note}`,
        ]
      : []),
  ].join('\n');
}

export function cmdEstimate(args: string[]): number {
  const { values } = parseFlags('estimate', args, { config: { type: 'string' }, json: { type: 'boolean' } });
  if (!values.config) throw new UsageError('estimate needs --config FILE');
  const config = loadConfig(values.config);
  const e = estimateCost(config);
  console.log(values.json ? JSON.stringify(e, null, 2) : estimateText(config, e));
  return 0;
}
