// Child process for the Lanczos RSS benchmark: one estimated spectrum step on the 784-100-10 MLP (top-20 by
// Lanczos with the reorthogonalisation given in argv[2], SLQ 10 × 80, Hutch++) and its peak resident set size.
import { lanczosExtremes } from '../src/main/engine/linalg/lanczos';
import { stochasticSpectrum } from '../src/main/engine/curvature/slq';
import { LANCZOS, SLQ, mlp784 } from './lanczos-setup';
import { peakRssKb } from './peak-rss';

const { spec, op } = mlp784();
const r = lanczosExtremes(op.apply, spec.n, { ...LANCZOS, reorthogonalize: process.argv[2] === 'partial' ? 'partial' : 'full' });
stochasticSpectrum(op.apply, spec.n, SLQ);
console.log(JSON.stringify({ maxRssKb: peakRssKb(), steps: r.steps }));
