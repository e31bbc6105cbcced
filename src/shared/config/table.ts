// The config field table: every RunConfig field once, with its type, default, bounds or options, label, help
// and whether it names a file. The RunConfig type, the defaults, validation, the New-run form, the CLI's
// "did you mean", path-field handling and the Compare view's labels are all derived from it (schema.ts,
// display.ts): adding a field is one entry here. Rules that tie fields together are in rules.ts.
import { NAME_MAX, NOTES_MAX, TAGS_MAX, TAG_MAX } from '../limits';
import { choice, int, numbers, optionalSection, path, real, section, table, text, texts, variants } from './field';

export const CONFIG_TABLE = table('Run', {
  name: text({
    default: 'run',
    maxLength: NAME_MAX,
    nonBlank: true,
    bookkeeping: true,
    label: 'Name',
    help: 'How the run is listed in the library and labelled in comparisons.',
  }),
  seed: int({
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
    label: 'Seed',
    help: 'Seeds the initial parameters, the batch order, CGD’s random k and noise, and the initial Lyapunov vectors.',
  }),
  data: section('Data', {
    dataset: choice({
      options: ['fashion-mnist', 'usps'],
      default: 'fashion-mnist',
      label: 'Dataset',
      help: 'usps is the paper’s data set (needs data.dir); fashion-mnist ships with the app (28×28, resized to 16×16 unless data.imageSide is 28).',
    }),
    imageSide: int({
      default: 16,
      min: 16,
      max: 28,
      label: 'Image side',
      help: 'Side of the square input images: 16 (the paper; Fashion-MNIST resized) or 28 (Fashion-MNIST as it is: the MLP is then 784-H-10).',
    }),
    dir: path('directory', { label: 'USPS directory', help: 'Folder holding zip.train.gz and zip.test.gz (ESL) or usps.bz2 and usps.t.bz2 (LIBSVM).' }),
    trainLimit: int({
      default: null,
      none: 'all',
      min: 1,
      label: 'Training samples',
      help: 'Train on the first N samples only (every class equally represented for Fashion-MNIST).',
    }),
    testEvery: int({ default: 100, min: 0, label: 'Test every (steps)', help: 'Evaluate test loss and accuracy every N steps; 0 never.' }),
    testLimit: int({
      default: null,
      none: 'all',
      min: 1,
      label: 'Test samples',
      help: 'Evaluate on the first N test samples only; empty: the whole test set, as the paper does.',
    }),
  }),
  model: variants(
    'Model',
    'kind',
    { default: 'mlp', label: 'Model', help: 'mlp: the paper’s 256-H-10 network; cnn: its small convolutional network (four stages, 3×3 convolutions).' },
    {
      mlp: {
        hidden: int({
          default: 20,
          min: 1,
          max: 4096,
          label: 'Hidden units',
          help: 'Width H of the MLP 256-H-10; the paper’s H = 20 gives n = 5350 parameters.',
        }),
      },
      cnn: {
        baseChannels: int({
          default: 4,
          min: 1,
          max: 64,
          label: 'Base channels',
          help: 'Channels of the first stage (×1, ×1, ×2, ×2 over the four stages); the paper uses 4.',
        }),
        blocks: int({
          default: 1,
          min: 1,
          max: 4,
          label: 'Blocks per stage',
          help: 'Convolutions per stage, the last one followed by a 2×2 max-pool; the paper uses 1.',
        }),
      },
    },
    { activation: choice({ options: ['relu', 'sigmoid'], default: 'relu', label: 'Activation', help: 'Nonlinearity of the hidden layers.' }) },
  ),
  train: section('Training', {
    mode: choice({
      options: ['sgd', 'gd'],
      default: 'sgd',
      label: 'Mode',
      help: 'sgd: minibatches of train.batchSize, reshuffled every epoch; gd: full-batch gradient descent on train.subset (every step one epoch).',
    }),
    steps: int({
      default: null,
      none: 'from epochs',
      min: 1,
      label: 'Steps',
      help: 'Number of SGD steps; empty: train.epochs full passes over the training set.',
    }),
    epochs: int({
      default: 1,
      min: 1,
      label: 'Epochs',
      help: 'Full passes over the training set when steps is empty (the paper: 40 epochs, 36,480 USPS steps).',
    }),
    batchSize: int({
      default: 8,
      min: 1,
      max: 4096,
      label: 'Batch size',
      help: 'Minibatch size B of train.mode sgd; the spectrum is that of the minibatch Hessian (the paper: 8).',
    }),
    subset: int({
      default: null,
      none: 'all training images',
      min: 1,
      label: 'Full-batch subset',
      help: 'train.mode gd: the fixed first N training images (class-balanced for Fashion-MNIST) whose mean loss GD descends.',
    }),
    lr: real({
      default: 0.01,
      gt: 0,
      label: 'Learning rate γ',
      help: 'Step size γ of θ ← θ − γg; an eigenvalue λ is locally chaotic when (1 − γλ)² > 1, i.e. λ < 0 or λ > 2/γ.',
    }),
    momentum: real({
      default: 0,
      min: 0,
      max: 0.999999,
      label: 'Momentum',
      help: 'PyTorch SGD momentum, applied to the (CGD-projected) gradient; the training map then acts on (θ, v).',
    }),
    precision: choice({
      options: ['float32', 'float64'],
      default: 'float32',
      label: 'Gradient precision',
      help: 'float32: TF.js gradients and float32 parameters, as PyTorch; float64: the exact engine throughout.',
    }),
    batchOrderFile: path('file', {
      label: 'Batch order file',
      help: 'JSON [[i, j, …], …] of 0-based training indices: replays another implementation’s batches step for step.',
    }),
    initParamsFile: path('file', {
      label: 'Initial parameters file',
      help: 'Flat initial parameters in PyTorch parameters() order (JSON array or {"params": [...]}).',
    }),
  }),
  spectrum: variants(
    'Hessian spectrum',
    'method',
    {
      default: 'exact',
      label: 'Spectrum method',
      help: 'exact: every eigenpair of the batch Hessian (up to a few thousand parameters); lanczos: estimates from Hessian-vector products (DESIGN §6).',
    },
    {
      exact: {},
      lanczos: {
        k: int({
          default: 20,
          min: 1,
          label: 'Eigenpairs at each end k',
          help: 'Lanczos computes the top-k and the bottom-k eigenpairs, with residuals; CGD prunes among these 2k only.',
        }),
        lanczosSteps: int({
          default: 300,
          min: 2,
          label: 'Lanczos steps (cap)',
          help: 'Most Lanczos steps (Krylov dimension) for the extremes; it stops earlier once every wanted pair has converged.',
        }),
        reorthogonalize: choice({
          options: ['full', 'partial'],
          default: 'full',
          label: 'Reorthogonalisation',
          help: 'full: Lanczos vectors orthonormal to working precision (tolerance 1e-10); partial: cheaper for large n (tolerance 1e-8).',
        }),
        probes: int({
          default: 10,
          none: 'no density',
          min: 2,
          label: 'SLQ probes P',
          help: 'Random probes of the spectral density (stochastic Lanczos quadrature) and of the Hutch++ trace; empty: extremes only.',
        }),
        slqSteps: int({
          default: 80,
          min: 2,
          label: 'SLQ steps per probe m',
          help: 'Lanczos steps per probe of the density: its resolution is about the spectrum’s width / m.',
        }),
      },
    },
    {
      every: int({
        default: 1,
        min: 0,
        label: 'Spectrum every (steps)',
        help: 'The Hessian spectrum (exact or estimated) every N steps; 0 never. CGD and Lyapunov exponents need 1.',
      }),
      nullTol: real({
        default: null,
        none: 'n·ε·max|λ|',
        min: 0,
        label: 'Null tolerance τ',
        help: 'Eigenvalues with |λ| ≤ τ are null, neither negative nor positive (DESIGN §2); empty: n·ε₆₄·max|λ|.',
      }),
      extremes: int({
        default: 5,
        min: 1,
        max: 64,
        label: 'Extreme eigenvectors k',
        help: 'k of the |cos(g, top-k)| and |cos(g, bottom-k)| eigenvector metrics (at most spectrum.k under lanczos).',
      }),
    },
  ),
  cgd: optionalSection('CGD (chaos-sensitive gradient descent)', {
    prune: choice({
      options: ['neg', 'pos', 'chaotic'],
      default: 'neg',
      label: 'Prune',
      help: 'Project the gradient off the eigen-directions with λ < −τ (neg), λ > τ (pos) or (1 − γλ)² > 1 (chaotic), as the paper’s Fig. 1. Under Lanczos only the computed top/bottom-k: neg prunes the bottom-k negatives.',
    }),
    k: int({
      default: null,
      none: 'all',
      min: 1,
      label: 'Only k directions',
      help: 'Prune only k directions of the set, chosen as `select` says; empty: all of it.',
    }),
    select: choice({
      options: ['magnitude', 'random'],
      default: 'magnitude',
      label: 'Select k by',
      help: 'magnitude: the k most extreme (smallest λ, largest λ, largest (1 − γλ)²); random: k drawn without replacement.',
    }),
    start: int({
      default: 0,
      min: 0,
      label: 'Start at step',
      help: 'Plain SGD before this step (the paper’s Figure 2 starts pruning at 2000, 5000 and 10,000).',
    }),
    noise: real({ default: 0, min: 0, label: 'Noise scale', help: '0 drops the pruned components; above 0 they are replaced by N(0, noise²) components.' }),
    mix: real({ default: 1, min: 0, max: 1, label: 'Mix', help: 'Step along (1 − mix)·g + mix·g′, g′ the projected gradient; 1 is fully projected.' }),
    basisFile: path('file', {
      label: 'Fixed basis file',
      help: 'Global pruning: a fixed basis {"vectors": [[…n…], …]} instead of each step’s eigenbasis (no spectrum needed).',
    }),
  }),
  lyapunov: optionalSection('Lyapunov exponents', {
    k: int({
      default: 32,
      word: 'all',
      min: 1,
      label: 'Exponents k',
      help: 'How many Lyapunov exponents of the training map the QR (Benettin) method tracks, or all (DESIGN §2).',
    }),
    frame: choice({
      options: ['initial', 'final'],
      default: 'initial',
      label: 'Replica vectors frame',
      help: 'Vectors that replicas naming this run as source perturb along: initial — at step 0, grow/shrink most until T (the paper; by replay); final — QR vectors at T.',
    }),
    start: choice({
      options: ['random', 'identity'],
      names: 'file',
      default: 'random',
      label: 'QR start',
      help:
        'Start of the QR (Benettin) vectors: a random orthonormal k-frame (seeded), e₁…e_k, or a file {"vectors": [[…], …]} ' +
        '(as lab lyapunov-vectors --out writes) whose first k vectors are orthonormalised (length n; 2n with momentum).',
    }),
    saveAt: numbers({
      default: [],
      integer: true,
      min: 1,
      label: 'Save vectors at steps',
      help: 'Also save the Lyapunov vectors after these steps (always at the end), for replicas to perturb along.',
    }),
    saveAtEpochs: numbers({
      default: [],
      integer: true,
      min: 1,
      label: 'Save vectors after epochs',
      help: 'Also save them after these epochs (at epoch × steps per epoch).',
    }),
    subsimAt: numbers({
      default: [],
      integer: true,
      min: 1,
      label: 'Subspace similarity from steps',
      help: 'Keep the QR subspace V after these steps (at most 2) and log ‖VᵀW_t‖²_F/k against every later W_t (the paper’s subspace_sim).',
    }),
    explicitSteps: int({
      default: 0,
      min: 0,
      max: 1000,
      label: 'Explicit-product check (steps)',
      help: 'Cross-check the first N steps against the paper’s explicit product eig(YᵀY)^(1/t); 0 off.',
    }),
  }),
  replicas: optionalSection('Replicas', {
    strategy: choice({
      options: ['randn', 'max_chaos', 'randn_chaos', 'max_convergence', 'randn_convergence', 'all', 'file'],
      default: 'randn',
      label: 'Perturbation',
      help: 'Direction u of θ₀ + ε·u: random; top (max) or random mix of expanding (chaos) / contracting (convergence) Lyapunov vectors (Figure 3); all: those four; or a file.',
    }),
    eps: numbers({
      default: [0.1],
      min: 0,
      nonEmpty: true,
      label: 'ε values',
      help: 'Perturbation sizes ε (‖u‖ = 1 over all parameters); one replica per (ε, seed) pair. The paper: 0.1.',
    }),
    seeds: numbers({
      default: [0],
      suggest: [0, 1, 2, 3, 4],
      integer: true,
      min: 0,
      nonEmpty: true,
      label: 'Seeds',
      help: 'Seeds of the random directions; one replica per (ε, seed) pair.',
    }),
    lyapunovSource: path('file', {
      label: 'Lyapunov source',
      help: 'Run id (or JSON file) whose saved Lyapunov vectors the chaos and convergence strategies perturb along.',
    }),
    lyapunovStep: int({
      default: null,
      none: 'latest',
      min: 0,
      label: 'Saved vectors of step',
      help: 'Which of the source’s saved vectors: the step they were saved at; empty: the latest.',
    }),
    directionFile: path('file', { label: 'Direction file', help: 'For strategy file: a flat direction in parameter layout, normalised to ‖u‖ = 1.' }),
  }),
  checkpointEvery: int({
    default: 500,
    min: 0,
    bookkeeping: true,
    label: 'Checkpoint every (steps)',
    help: 'Save a resumable checkpoint every N steps (0: only at the end); Continue resumes from the last one.',
  }),
  tags: texts({
    default: [],
    maxItems: TAGS_MAX,
    maxLength: TAG_MAX,
    bookkeeping: true,
    label: 'Tags',
    help: 'Labels to search and filter runs by in the library.',
  }),
  notes: text({ default: '', maxLength: NOTES_MAX, multiline: true, bookkeeping: true, label: 'Notes', help: 'Free text kept with the run.' }),
});
