// better-sqlite3 for the runtime at hand. Under Node (CLI, tests, bench) its own build; inside Electron the copy
// that `scripts/workstation.sh start` builds for Electron's ABI in node_modules/.chaoslab-electron, loaded through
// better-sqlite3's nativeBinding option, so the CLI and the app both work from one checkout.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let electronBuild: string | undefined | null = null;

/** The Electron-ABI build of better-sqlite3, when running inside Electron and it has been built. */
export function electronSqliteBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  if (electronBuild === null) {
    const modules = dirname(dirname(require.resolve('better-sqlite3/package.json')));
    const file = join(modules, '.chaoslab-electron', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    electronBuild = existsSync(file) ? file : undefined;
  }
  return electronBuild;
}

export function openSqlite(file: string | Buffer, opts: Database.Options = {}): Database.Database {
  return new Database(file, { ...opts, nativeBinding: electronSqliteBinding() });
}
