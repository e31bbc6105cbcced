// The edge of stability (Cohen et al., ICLR 2021): under full-batch gradient descent with step size η the sharpness
// λ_max of the loss rises until it reaches 2/η, the stability limit of GD on a quadratic, and then hovers there.
// Measured as the sharpness over 2/η: the first step it reaches 1, and its mean and spread over the last part of
// training (the plateau). Written once for the engine's stored result and the views.

export interface SharpnessSummary {
  /** 2/η. */
  limit: number;
  /** λ_max at the first measured step, over 2/η. */
  initialRatio: number;
  /** The largest λ_max over 2/η, and where. */
  peakRatio: number;
  peakStep: number;
  /** The first step with λ_max ≥ 2/η (null: never). */
  reachedStep: number | null;
  /** Mean and standard deviation of λ_max/(2/η) over the steps in the plateau window, and that window's first step. */
  plateauRatio: number;
  plateauSd: number;
  plateauFrom: number;
  /** Measured steps in the window. */
  plateauCount: number;
}

/**
 * Sharpness against 2/η from λ_max at the measured steps (ascending). The plateau is the last `tail` fraction of the
 * steps (default: the second half). Null without a measured step.
 */
export function sharpnessSummary(steps: ArrayLike<number>, lambdaMax: ArrayLike<number>, lr: number, tail = 0.5): SharpnessSummary | null {
  const n = Math.min(steps.length, lambdaMax.length);
  if (n === 0 || !(lr > 0)) return null;
  const limit = 2 / lr;
  let peak = 0;
  let reachedStep: number | null = null;
  for (let i = 0; i < n; i++) {
    if (lambdaMax[i] > lambdaMax[peak]) peak = i;
    if (reachedStep === null && lambdaMax[i] >= limit) reachedStep = steps[i];
  }
  const from = steps[0] + (1 - tail) * (steps[n - 1] - steps[0]);
  let count = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++)
    if (steps[i] >= from) {
      const r = lambdaMax[i] / limit;
      count++;
      sum += r;
      sq += r * r;
    }
  const mean = sum / count;
  return {
    limit,
    initialRatio: lambdaMax[0] / limit,
    peakRatio: lambdaMax[peak] / limit,
    peakStep: steps[peak],
    reachedStep,
    plateauRatio: mean,
    plateauSd: count > 1 ? Math.sqrt(Math.max(0, (sq - count * mean * mean) / (count - 1))) : 0,
    plateauFrom: from,
    plateauCount: count,
  };
}

/** One line for the researcher: where the sharpness went against 2/η. */
export function sharpnessText(s: SharpnessSummary): string {
  const r = (v: number): string => v.toFixed(2);
  const reached =
    s.reachedStep === null
      ? `never reached 2/η = ${s.limit.toPrecision(3)} (peak ${r(s.peakRatio)}·2/η at step ${s.peakStep})`
      : `reached 2/η = ${s.limit.toPrecision(3)} at step ${s.reachedStep} (peak ${r(s.peakRatio)}·2/η at step ${s.peakStep})`;
  return `sharpness λ_max: ${r(s.initialRatio)}·2/η at the start, ${reached}; over steps ≥ ${Math.round(s.plateauFrom)}: ${r(s.plateauRatio)} ± ${r(s.plateauSd)} of 2/η`;
}
