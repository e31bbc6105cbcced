// The classification of Hessian eigenvalues (DESIGN §2), written once for the engine and the views.

/** Null: |λ| ≤ τ, neither negative nor positive curvature. */
export const isNull = (lambda: number, tau: number): boolean => Math.abs(lambda) <= tau;

/** True when the SGD map expands along λ: |1 − γλ| > 1, i.e. λ < 0 or λ > 2/γ, beyond the null tolerance. */
export const isChaotic = (lambda: number, lr: number, tau: number): boolean => !isNull(lambda, tau) && (1 - lr * lambda) ** 2 > 1;
