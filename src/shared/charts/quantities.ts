// Axis titles with units for the quantities charts plot: the logged metrics' own (METRICS in frames.ts), and the
// derived quantities below. Losses are cross-entropies in nats; accuracies fractions; λ Hessian eigenvalues
// (loss per parameter²); exponents natural log per step.
import { METRICS, type MetricName } from '../frames';

const DERIVED: Record<string, string> = {
  step: 'step',
  epoch: 'epoch',
  wall: 'wall time (s)',
  lambda: 'Hessian eigenvalue λ',
  eigen_count: 'eigenvalues (count)',
  eigen_per_bin: 'eigenvalues per bin',
  lyapunov: 'exponent λᵢ (1/step)',
  distance: '‖θᵢ − θ₀‖ (L2)',
};

/** The axis title of a logged series or a derived quantity; the name itself when none is known. */
export const axisTitle = (name: string): string => DERIVED[name] ?? (Object.hasOwn(METRICS, name) ? METRICS[name as MetricName].axis : name);
