// Paths a renderer may name in a config: those main's own dialogs returned, those main created itself (the USPS
// download folder) and those in the configs of runs already stored. Anything else is refused, naming the field,
// before any file is touched: a compromised renderer cannot make main read /etc/passwd.
import { resolve } from 'node:path';
import { PATH_FIELDS, pathAt, type FieldError, type PathField, type RunConfig } from '../../shared/config';
import { IpcError, PREVIOUS_RUN } from '../../shared/ipc';

export class PathGrants {
  private readonly granted = new Set<string>();

  grant(path: string): void {
    this.granted.add(resolve(path));
  }

  /**
   * Throws an IpcError naming every path field of `config` whose path was neither granted nor stored in a config of
   * `stored`; replicas.lyapunovSource may instead name a stored run (`isRun`) or the previous stage.
   */
  check(config: RunConfig, stored: () => RunConfig[], isRun: (id: string) => boolean): void {
    let known: Set<string> | null = null;
    const errors: FieldError[] = [];
    for (const field of Object.keys(PATH_FIELDS) as PathField[]) {
      const v = pathAt(config, field);
      if (v === null || this.granted.has(resolve(v))) continue;
      if (field === 'replicas.lyapunovSource' && (v === PREVIOUS_RUN || isRun(v))) continue;
      known ??= new Set(
        stored().flatMap((c) =>
          (Object.keys(PATH_FIELDS) as PathField[])
            .map((f) => pathAt(c, f))
            .filter((p) => p !== null)
            .map((p) => resolve(p)),
        ),
      );
      if (known.has(resolve(v))) continue;
      errors.push({ field, message: 'was not chosen in this app: pick it with Browse… (main reads only files chosen in its own dialogs)' });
    }
    if (errors.length) throw new IpcError(errors.map((e) => `${e.field}: ${e.message}`).join('\n'), errors);
  }
}
