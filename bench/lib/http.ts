import http from 'node:http';

/** Where load goes: always a 127.0.0.1 port, over a keep-alive agent (as Meta's webhook senders keep connections). */
export interface Target {
  port: number;
  agent: http.Agent;
}

/** A keep-alive target on 127.0.0.1 with at most `sockets` connections. */
export function localTarget(port: number, sockets: number): Target {
  return { port, agent: new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets }) };
}

/** One prepared request: bodies are built and signed before a timed phase so signing is not measured. */
export interface PreparedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Sends a request and reads the whole response. Network errors resolve with status 0 and the error message as
 * the body, never throw.
 */
export function send(target: Target, req: PreparedRequest): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve) => {
    const headers = req.body ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
    const r = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: req.path,
        headers,
        agent: target.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
      },
    );
    r.on('error', (err) => resolve({ status: 0, body: Buffer.from(err.message) }));
    r.end(req.body);
  });
}

/** A small JSON client for setup calls (Tsunagi's REST API, the simulator's control API). */
export class JsonClient {
  private readonly target: Target;

  constructor(
    port: number,
    private readonly headers: Record<string, string> = {},
  ) {
    this.target = localTarget(port, 8);
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.sendWithRetry({
      method,
      path,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
    });
    if (res.status < 200 || res.status >= 300)
      throw new Error(`${method} ${path} → ${res.status}: ${res.body.toString('utf8').slice(0, 500)}`);
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  async text(path: string): Promise<string> {
    const res = await this.sendWithRetry({ method: 'GET', path, headers: this.headers });
    if (res.status !== 200)
      throw new Error(`GET ${path} → ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
    return res.body.toString('utf8');
  }

  /**
   * A GET that fails at the network level (a keep-alive socket the server closed as it was reused) is retried;
   * other requests are not, as they may have taken effect.
   */
  private async sendWithRetry(req: PreparedRequest): Promise<{ status: number; body: Buffer }> {
    for (let attempt = 1; ; attempt++) {
      const res = await send(this.target, req);
      if (res.status !== 0 || req.method !== 'GET' || attempt === 3) return res;
    }
  }

  close(): void {
    this.target.agent.destroy();
  }
}
