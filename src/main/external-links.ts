// The only pages the app opens in the user's browser (shell.openExternal): the project's own links. Any other URL a
// page asks to open is dropped, so a compromised or misled renderer cannot launch arbitrary URLs or URL schemes.
import { ESL_URL, LIBSVM_URL } from './engine/data/usps';

export const EXTERNAL_LINKS: readonly string[] = [ESL_URL, LIBSVM_URL];

/** True only for a URL of EXTERNAL_LINKS, compared after URL parsing (no other scheme, host, path or query). */
export function isExternalLink(url: string): boolean {
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return false;
  }
  return EXTERNAL_LINKS.some((l) => new URL(l).href === href);
}
