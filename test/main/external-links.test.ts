// shell.openExternal is given only the project's own links.
import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINKS, isExternalLink } from '../../src/main/external-links';

describe('isExternalLink', () => {
  it('allows exactly the project’s own links', () => {
    for (const l of EXTERNAL_LINKS) expect(isExternalLink(l)).toBe(true);
    for (const url of [
      'https://evil.example/',
      `${EXTERNAL_LINKS[0]}../../etc`,
      EXTERNAL_LINKS[0].replace('https:', 'http:'),
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'not a url',
      `${EXTERNAL_LINKS[0]}?q=1`,
    ])
      expect(isExternalLink(url), url).toBe(false);
  });
});
