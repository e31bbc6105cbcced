#!/usr/bin/env node
// Builds the OpenBLAS/LAPACKE addon in native/ (output: native/build/Release/chaoslab_linalg.node).
// Runs as `npm install` postinstall and as `npm run build:native`. It never fails the install: when a
// prerequisite is missing or the build fails it prints a loud warning saying what is missing, how to
// fix it, and that the engine will use the slower portable JavaScript eigensolver; then exits 0.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const nativeDir = path.join(root, 'native');
const addon = path.join(nativeDir, 'build', 'Release', 'chaoslab_linalg.node');
const APT = 'sudo apt-get install -y libopenblas-dev liblapacke-dev python3 make g++';

function warn(lines) {
  const bar = '!'.repeat(78);
  const body = [
    'CHAOSLAB: native LAPACK addon NOT built.',
    ...lines,
    '',
    'Fix (Debian/Ubuntu):  ' + APT,
    'then run:             npm run build:native',
    '',
    'Until then Chaoslab uses the portable JavaScript eigensolver, which is',
    '10-40x slower (measured: n = 1158 takes ~5 s instead of ~0.2 s).',
  ];
  console.warn(['', bar, ...body.map((l) => '!! ' + l), bar, ''].join('\n'));
  process.exit(0);
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function firstExisting(paths) {
  return paths.find((p) => fs.existsSync(p)) ?? null;
}

// Prerequisites: toolchain, headers and shared libraries.
const missing = [];
for (const tool of ['python3', 'make', 'g++']) if (!which(tool)) missing.push(`build tool '${tool}' not on PATH`);
if (!firstExisting(['/usr/include/lapacke.h', '/usr/include/openblas/lapacke.h'])) missing.push('header lapacke.h not found (package liblapacke-dev)');
const cblasDirs = ['/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/include/aarch64-linux-gnu/openblas-pthread', '/usr/include/openblas'];
if (!firstExisting(cblasDirs.map((d) => path.join(d, 'cblas.h'))))
  missing.push('OpenBLAS cblas.h not found in ' + cblasDirs.join(', ') + ' (package libopenblas-dev)');
const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
for (const [lib, pkg] of [
  ['libopenblas.so', 'libopenblas-dev'],
  ['liblapacke.so', 'liblapacke-dev'],
])
  if (!firstExisting(libDirs.map((d) => path.join(d, lib)))) missing.push(`${lib} not found (package ${pkg})`);
if (process.platform !== 'linux') missing.push(`platform ${process.platform} is not supported by native/binding.gyp`);

// npm's own node-gyp: npm exports its path to lifecycle scripts; otherwise look beside npm.
const GYP_JS = path.join('node-gyp', 'bin', 'node-gyp.js');
const nodeGyp = firstExisting(
  [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', GYP_JS),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', GYP_JS),
    path.join(root, 'node_modules', GYP_JS),
  ].filter(Boolean),
);
if (!nodeGyp) missing.push("node-gyp not found (it ships with npm; or run 'npm i -g node-gyp')");
if (missing.length) warn(['Missing:', ...missing.map((m) => '  - ' + m)]);

// Build against the headers installed with this Node when present, so no download is needed.
const args = [nodeGyp, 'rebuild', '--loglevel=warn'];
const nodeDir = path.resolve(path.dirname(process.execPath), '..');
if (fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
console.log(`chaoslab: building native/ with ${args.join(' ')}`);
const build = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' });
if (build.status !== 0) warn([`node-gyp exited with status ${build.status ?? build.signal}; see its output above.`]);

// Prove the result links and runs: load it and solve a 2×2 eigenproblem.
const probe = spawnSync(
  process.execPath,
  [
    '-e',
    `const m = require(${JSON.stringify(addon)});
     const a = new Float64Array([2, 1, 1, 2]), w = new Float64Array(2);
     m.dsyevd(a, 2, w, true);
     if (Math.abs(w[0] - 1) > 1e-12 || Math.abs(w[1] - 3) > 1e-12) throw new Error('wrong eigenvalues ' + w);
     console.log(m.config().config);`,
  ],
  { encoding: 'utf8' },
);
if (probe.status !== 0) {
  const why = probe.stderr.trim().split('\n').slice(0, 8);
  warn(['The addon was built but does not load or compute correctly:', ...why]);
}
console.log(`chaoslab: native LAPACK addon ready (${probe.stdout.trim()}) at ${path.relative(root, addon)}`);
