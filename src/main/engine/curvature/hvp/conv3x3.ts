// The 3×3 convolution kernels (padding 1, PyTorch cross-correlation) the CNN Hessian-vector product uses,
// behind one local name each so they can be pointed at a shared conv kernel module without touching cnn.ts.
export {
  /** z[o] += Σ_i W[o,i] ⋆ in[i]: forward (and, with tangent weights or inputs, the forward tangent). */
  convAdd as convForwardAdd,
  /** gin[i] += Σ_o W[o,i] ⋆ᵀ δ[o]: the input adjoint. */
  convTransposeAdd as convInputAdjointAdd,
  /** g[W[o,i,ky,kx]] += Σ δ[o]·in[i] shifted: the weight gradient. */
  convWeightGradAdd,
  /** The adjoint of the fixed-argmax 2×2 max-pool (a copy without a pool). */
  poolScatter,
} from '../../models/cnn';
