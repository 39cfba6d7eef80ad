import type { ServerResponse } from 'node:http';

/** A Server-Sent Events response: named events with JSON data, and comment lines (heartbeats). */
export interface EventStream {
  event(type: string, data: unknown, id?: number): void;
  comment(text: string): void;
  end(): void;
}

/**
 * Starts a Server-Sent Events response on a raw Node response (the caller has hijacked the framework's reply):
 * the headers that keep proxies from buffering or caching it, then a `: connected` comment.
 */
export function openEventStream(res: ServerResponse): EventStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  return {
    event(type, data, id) {
      res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text) {
      res.write(`: ${text}\n\n`);
    },
    end() {
      res.end();
    },
  };
}
