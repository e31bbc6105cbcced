#!/usr/bin/env bash
# One command for a fresh Linux workstation (Debian/Ubuntu) or CI:
#   bash scripts/workstation.sh start   install what is missing, build, open the app (Fashion-MNIST default)
#   bash scripts/workstation.sh test    install what is missing, type-check, lint, build, run every test
#   bash scripts/workstation.sh install-desktop   add Chaoslab to the user's application menu (XDG), after 'start'
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
case "$mode" in start|test|install-desktop) ;; *) echo "usage: bash scripts/workstation.sh start|test|install-desktop" >&2; exit 2 ;; esac

if [ "$mode" = install-desktop ]; then
  # The XDG locations of the user's menu entries and icons; the entry launches this checkout's Electron.
  data="${XDG_DATA_HOME:-$HOME/.local/share}"
  for f in resources/icons/*x*.png; do
    size="$(basename "$f" .png)"
    install -D -m 644 "$f" "$data/icons/hicolor/$size/apps/chaoslab.png"
  done
  install -D -m 644 resources/icon.svg "$data/icons/hicolor/scalable/apps/chaoslab.svg"
  mkdir -p "$data/applications"
  root="$(pwd)"
  sed "s|@ROOT@|$root|g" resources/chaoslab.desktop >"$data/applications/chaoslab.desktop"
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
  echo "Chaoslab added to the application menu: $data/applications/chaoslab.desktop"
  if ! node -e "require('electron')" >/dev/null 2>&1 || [ ! -f out/main/index.js ]; then
    echo "Note: the app is not set up in this checkout yet; run 'bash scripts/workstation.sh start' once before launching it from the menu." >&2
  fi
  exit 0
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages: OpenBLAS + LAPACKE for the exact eigensolver; Chromium for the renderer's end-to-end tests; Slurm
# and munge for the sweep tests' one-node cluster (test/helpers/slurm-cluster.ts starts its own daemons).
apt_pkgs=(libopenblas-dev liblapacke-dev)
[ "$mode" = test ] && apt_pkgs+=(chromium desktop-file-utils slurm-wlm munge)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "WARNING: cannot install ${missing[*]} (no apt-get); the portable eigensolver will be used" >&2
  fi
fi

# npm packages. Electron's binary is only downloaded for 'start' (tests never launch Electron).
if [ "$mode" = test ]; then export ELECTRON_SKIP_BINARY_DOWNLOAD=1; fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build:native

if [ "$mode" = start ]; then
  # A checkout set up by 'test' has no Electron binary yet (ELECTRON_SKIP_BINARY_DOWNLOAD): fetch it now.
  node -e "require('electron')" >/dev/null 2>&1 || node node_modules/electron/install.js
  # Inside the app better-sqlite3 must match Electron's ABI. Build a copy for Electron beside the Node build, which
  # the CLI and the tests keep using; the app loads the copy (src/main/store/sqlite.ts). Needs network once:
  # a prebuilt binary from better-sqlite3's releases, else a compile against Electron's headers.
  ev="$(node -p "require('electron/package.json').version")"
  eb=node_modules/.chaoslab-electron/better-sqlite3
  if [ "$(cat "$eb/.electron-version" 2>/dev/null)" != "$ev" ]; then
    rm -rf "$eb" && mkdir -p "$(dirname "$eb")" && cp -r node_modules/better-sqlite3 "$eb" && rm -rf "$eb/build"
    (
      cd "$eb"
      ../../.bin/prebuild-install --runtime electron --target "$ev" --arch "$(node -p process.arch)" ||
        npx --yes node-gyp rebuild --runtime=electron --target="$ev" --dist-url=https://electronjs.org/headers
    )
    echo "$ev" >"$eb/.electron-version"
  fi
  npm run build
  exec npm start
fi

# If better-sqlite3 was rebuilt in place for Electron (e.g. by electron-rebuild), rebuild it for Node.
node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null || npm rebuild better-sqlite3
npm run typecheck
npm run lint
npm run build
mkdir -p test-output
status=0
npm test -- --reporter=default --reporter=json --outputFile.json=test-output/vitest-report.json || status=$?
node -e "const r=require('./test-output/vitest-report.json'); console.log(r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed' + (r.numPendingTests ? ', ' + r.numPendingTests + ' skipped' : ''))"
exit $status
