import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProxiedRequest {
  method: string;
  /** Below the API base, without the query: `/people/me`. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** How many `METHOD path` requests the proxy has seen, this one included. */
  count: number;
}

/** An answer of the proxy's own instead of wbp-sim's, a request left unanswered, or a delay before forwarding. */
export type Fault = { status: number; body?: string; headers?: Record<string, string> } | { hang: true } | { delayMs: number };

export interface FaultProxy {
  /** Point WEBEX_BASE_URL here. */
  baseUrl: string;
  seen: ProxiedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server in front of wbp-sim: `fault` may answer, hold or delay any request; everything else is forwarded. */
export async function faultProxy(
  targetBaseUrl: string,
  fault: (req: ProxiedRequest) => Fault | undefined | Promise<Fault | undefined>,
): Promise<FaultProxy> {
  const target = new URL(targetBaseUrl);
  const basePath = target.pathname.replace(/\/$/, '');
  const seen: ProxiedRequest[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://proxy');
        const method = req.method ?? 'GET';
        const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
        const key = `${method} ${path}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const got: ProxiedRequest = {
          method,
          path,
          query: url.search,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          count: counts.get(key)!,
        };
        seen.push(got);
        const answer = await fault(got);
        if (answer && 'hang' in answer) return;
        if (answer && 'status' in answer) {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(answer.body ?? '');
          return;
        }
        if (answer) await sleep(answer.delayMs);
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection'),
        ) as Record<string, string>;
        const upstream = await fetch(`${target.origin}${url.pathname}${url.search}`, {
          method,
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'content-length' && name !== 'connection')
            out[name] = value;
        });
        res.writeHead(upstream.status, out);
        res.end(body);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
