// A real HTTP server on 127.0.0.1 standing in for the USPS download site: each path answers with the given
// bytes, or with the given HTTP status.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Mirror {
  url: string;
  /** Paths requested so far. */
  requests: string[];
  /** Stops listening (a second call is a no-op). */
  close(): Promise<void>;
}

export async function startMirror(routes: Record<string, Buffer | number>): Promise<Mirror> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const r = routes[path];
    if (r === undefined || typeof r === 'number') {
      res.writeHead(r ?? 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': r.length }).end(r);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/usps/`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
