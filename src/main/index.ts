// Electron main entry: the boot sequence (boot.ts) with the real Electron API.
import * as electron from 'electron';
import { boot } from './boot';

boot(electron, { outDir: __dirname, argv: process.argv, env: process.env, versions: process.versions });
