import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type HttpHandler } from 'msw';

export interface RunningServer {
  server: Server;
  port: number;
  baseUrl: string;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Serves msw handlers on a real socket. A handler's `HttpResponse.error()` destroys the
 * connection (reset, apply-then-drop); a hung handler is released when the client goes away.
 */
export function serveHandlers(handlers: HttpHandler[], port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `simulator error: ${err instanceof Error ? err.message : String(err)}` }));
      } else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readAll(req);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`http://${req.headers.host ?? host}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      body: body && body.length > 0 ? new Uint8Array(body) : undefined,
      signal: gone.signal,
    });
    const response = (await getResponse(handlers, request)) ?? new Response('{"message":"not found"}', { status: 404 });
    if (response.type === 'error') {
      req.socket.destroy();
      return;
    }
    const out = Buffer.from(await response.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      outHeaders[k] = v;
    });
    res.writeHead(response.status, outHeaders);
    res.end(out);
  }

  // Longer than clients' idle keep-alive, so the server never closes a socket a client is reusing.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        server,
        port: bound,
        baseUrl: `http://${host}:${bound}/v1`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
