// Rules that tie config fields together, checked after every field is valid on its own. Each names the
// field the user should change.
import type { ConfigPath, RunConfig } from './types';

export interface Rule {
  name: string;
  field: ConfigPath;
  /** The message when the config breaks the rule, else null. */
  check(c: RunConfig): string | null;
}

/** lyapunov.subsimAt steps, one metric series each (frames.ts lyap_subsim_1, lyap_subsim_2). */
export const SUBSIM_SERIES = 2;
const LYAPUNOV_STRATEGY = /_(chaos|convergence)$|^all$/;

export const RULES: readonly Rule[] = [
  {
    name: 'USPS needs its directory',
    field: 'data.dir',
    check: (c) => (c.data.dataset === 'usps' && !c.data.dir ? 'USPS needs the directory holding zip.train.gz/zip.test.gz (or usps.bz2/usps.t.bz2)' : null),
  },
  {
    name: 'CGD projects off each step’s eigenvectors',
    field: 'spectrum.every',
    check: (c) =>
      c.cgd && c.spectrum.every !== 1 && !c.cgd.basisFile ? 'CGD needs the spectrum at every step (set 1) unless cgd.basisFile gives a fixed basis' : null,
  },
  {
    name: 'Lyapunov exponents need every step’s Jacobian',
    field: 'spectrum.every',
    check: (c) => (c.lyapunov && c.spectrum.every !== 1 ? 'Lyapunov exponents need the Hessian at every step (set 1)' : null),
  },
  {
    name: 'subspace similarity has two series',
    field: 'lyapunov.subsimAt',
    check: (c) => (c.lyapunov && c.lyapunov.subsimAt.length > SUBSIM_SERIES ? `at most ${SUBSIM_SERIES} steps (lyap_subsim_1, lyap_subsim_2)` : null),
  },
  {
    name: 'a file direction needs its file',
    field: 'replicas.directionFile',
    check: (c) => (c.replicas?.strategy === 'file' && !c.replicas.directionFile ? "required when strategy is 'file'" : null),
  },
  {
    name: 'Lyapunov strategies need a source',
    field: 'replicas.lyapunovSource',
    check: (c) =>
      c.replicas && LYAPUNOV_STRATEGY.test(c.replicas.strategy) && !c.replicas.lyapunovSource ? `required for strategy '${c.replicas.strategy}'` : null,
  },
];
