// SGD with momentum exactly as torch.optim.SGD (dampening 0, no Nesterov): b ← μb + g (b₀ = g), θ ← θ − γb.
// With float32 precision every stored value is rounded to float32, as PyTorch parameters are.

export interface OptimState {
  theta: Float64Array;
  /** Momentum buffer; null until the first step (or when μ = 0). */
  buf: Float64Array | null;
}

export function sgdStep(state: OptimState, g: Float64Array, lr: number, momentum: number, float32: boolean): void {
  const round = float32 ? Math.fround : (v: number) => v;
  let d = g;
  if (momentum > 0) {
    if (!state.buf) state.buf = g.map(round);
    else for (let i = 0; i < g.length; i++) state.buf[i] = round(momentum * state.buf[i] + g[i]);
    d = state.buf;
  }
  const { theta } = state;
  for (let i = 0; i < theta.length; i++) theta[i] = round(theta[i] - lr * d[i]);
}
