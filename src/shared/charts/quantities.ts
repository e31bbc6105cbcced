// Axis titles with units for the quantities charts plot, one place for all of them. Losses are cross-entropies
// in nats; accuracies fractions; λ Hessian eigenvalues (loss per parameter²); exponents natural log per step.
const TITLES: Record<string, string> = {
  step: 'step',
  epoch: 'epoch',
  wall: 'wall time (s)',
  loss: 'loss (nats)',
  test_loss: 'test loss (nats)',
  acc: 'accuracy (fraction)',
  test_acc: 'test accuracy (fraction)',
  grad_norm: '‖g‖ (L2)',
  update_norm: '‖g′‖ (L2)',
  pruned: 'pruned directions (count)',
  n_neg: 'negative eigenvalues (count)',
  n_pos: 'positive eigenvalues (count)',
  n_null: 'null eigenvalues (count)',
  n_chaotic: 'chaotic eigenvalues (count)',
  n_chaotic_neg: 'chaotic λ < 0 (count)',
  n_chaotic_pos: 'chaotic λ > 2/γ (count)',
  lambda_min: 'λ min (Hessian eigenvalue)',
  lambda_max: 'λ max (Hessian eigenvalue)',
  trace: 'trace of H',
  fro: '‖H‖ (Frobenius)',
  null_tol: 'null tolerance τ',
  rank: 'rank (count)',
  lyap_max: 'λ₁ (1/step)',
  lyap_min: 'λ_k (1/step)',
  lyap_sum: 'Σλᵢ (1/step)',
  lyap_npos: 'positive exponents (count)',
  step_ms: 'step time (ms)',
  lambda: 'Hessian eigenvalue λ',
  eigen_count: 'eigenvalues (count)',
  eigen_per_bin: 'eigenvalues per bin',
  lyapunov: 'exponent λᵢ (1/step)',
  distance: '‖θᵢ − θ₀‖ (L2)',
};

/** The axis title of a logged series or a derived quantity; the name itself when none is known. */
export const axisTitle = (name: string): string => TITLES[name] ?? name;
