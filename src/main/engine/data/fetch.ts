// Download the ESL USPS files on request, from their public source or a mirror (CHAOSLAB_USPS_URL, or the CLI's
// --from). Each file is written to a temporary name, checked to decompress and parse, then renamed into place,
// so an interrupted download never leaves a half file under the real name.

import { existsSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { errorText } from './dataset';
import { ESL_FILES, ESL_URL, uspsHelp } from './usps';

/** Where USPS is downloaded from: $CHAOSLAB_USPS_URL (a mirror holding zip.train.gz and zip.test.gz), else ESL's site. */
export const uspsSource = (): string => process.env.CHAOSLAB_USPS_URL || ESL_URL;

export async function fetchUsps(dir: string, from = uspsSource()): Promise<void> {
  const base = from.endsWith('/') ? from : `${from}/`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`Cannot create the USPS directory ${dir} (${errorText(e)})`, { cause: e });
  }
  for (const name of [ESL_FILES.train, ESL_FILES.test]) {
    const url = base + name;
    let body: Buffer;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      body = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      const cause = e instanceof Error && e.cause ? ` (${errorText(e.cause)})` : '';
      throw new Error(`Could not download ${url}: ${errorText(e)}${cause}. If this machine is offline, fetch the files elsewhere. ${uspsHelp(dir)}`, {
        cause: e,
      });
    }
    check(body, url);
    const dest = join(dir, name);
    const tmp = `${dest}.${process.pid}.download`;
    try {
      writeFileSync(tmp, body);
      renameSync(tmp, dest);
    } catch (e) {
      if (existsSync(tmp)) unlinkSync(tmp);
      throw new Error(`Cannot write ${dest} (${errorText(e)})`, { cause: e });
    }
  }
}

/** The payload must be gzip holding lines of 257 numbers. */
function check(body: Buffer, url: string): void {
  let text: string;
  try {
    text = gunzipSync(body).toString('latin1');
  } catch (e) {
    throw new Error(`${url}: the download is not a valid gzip file (${errorText(e)})`, { cause: e });
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`${url}: the download holds no data lines`);
  lines.forEach((l, i) => {
    const n = l.trim().split(/\s+/).length;
    if (n !== 257) throw new Error(`${url} line ${i + 1}: expected 257 numbers, found ${n} — not the ESL zip format`);
  });
}
