import type { z } from 'zod';
import type { Clock } from '../../lib/clock.ts';
import { graphErrorFromBody, graphErrorFromResponse, unexpectedResponseError } from './graph-api-error.ts';
import type { GraphApiError } from './graph-api-error.ts';

/** The transport the Graph client is built on; everything outside the process is injected. */
export interface GraphTransport {
  fetch: typeof fetch;
  /** Whole-request budget (connect, send, headers and body), in milliseconds. */
  timeoutMs: number;
  clock: Clock;
}

/** One HTTP call to Graph (or to a media URL). `token` goes in `Authorization: Bearer`. */
export interface GraphHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  token: string;
  json?: unknown;
  form?: FormData;
  /** Reject bodies larger than this many bytes (media downloads). */
  maxBytes?: number;
}

/** A 2xx response, fully read, or a normalized error. */
export type GraphHttpResult =
  { ok: true; status: number; headers: Headers; bytes: Buffer } | { ok: false; error: GraphApiError };

/**
 * Network error codes raised before any request byte can have left this process (DNS, refused
 * connection, TLS handshake, bad URL). Everything else — resets, sockets closed mid-request, timeouts — may
 * have reached Meta and is reported as ambiguous.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function causeCode(error: unknown): string | null {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof AggregateError) return causeCode({ cause: cause.errors[0] });
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

function networkError(error: unknown, timedOut: boolean, timeoutMs: number): GraphApiError {
  const code = causeCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return {
    httpStatus: 0,
    code: null,
    subcode: null,
    title: timedOut ? `timeout after ${timeoutMs} ms` : `network error${code ? ` ${code}` : ''}`,
    details: `${message}${cause}`,
    fbtraceId: null,
    category: 'retryable',
    retryable: true,
    retryScope: null,
    ambiguous: timedOut || code === null || !NOT_SENT_CODES.has(code),
  };
}

function tooLarge(status: number, maxBytes: number): GraphHttpResult {
  const error: GraphApiError = {
    ...unexpectedResponseError(status, `body larger than ${maxBytes} bytes`, false),
    category: 'permanent',
    retryable: false,
  };
  return { ok: false, error };
}

/**
 * Performs one request with a timeout driven by the injected clock, reads the whole body, and turns every
 * failure (network, timeout, non-2xx, HTML error pages) into a {@link GraphApiError}. Never throws.
 */
export async function graphRequest(
  transport: GraphTransport,
  req: GraphHttpRequest,
): Promise<GraphHttpResult> {
  const controller = new AbortController();
  let timedOut = false;
  const cancelTimer = transport.clock.setTimer(transport.timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  const headers: Record<string, string> = { authorization: `Bearer ${req.token}` };
  if (req.json !== undefined) headers['content-type'] = 'application/json';
  if (req.maxBytes === undefined) headers.accept = 'application/json';
  try {
    const res = await transport.fetch(req.url, {
      method: req.method,
      headers,
      body: req.json !== undefined ? JSON.stringify(req.json) : req.form,
      signal: controller.signal,
    });
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (res.ok && req.maxBytes !== undefined && declared > req.maxBytes) {
      await res.body?.cancel();
      return tooLarge(res.status, req.maxBytes);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok)
      return { ok: false, error: graphErrorFromResponse(res.status, res.statusText, bytes.toString('utf8')) };
    if (req.maxBytes !== undefined && bytes.length > req.maxBytes) return tooLarge(res.status, req.maxBytes);
    return { ok: true, status: res.status, headers: res.headers, bytes };
  } catch (error) {
    return { ok: false, error: networkError(error, timedOut, transport.timeoutMs) };
  } finally {
    cancelTimer();
  }
}

/**
 * {@link graphRequest} plus JSON decoding and a schema check of the 2xx body. A 2xx body that is a Graph
 * error is an error; one that does not match `schema` is an unexpected-response error, ambiguous when
 * `ambiguousOnBadBody` (a send Meta may have accepted).
 */
export async function graphJson<S extends z.ZodType>(
  transport: GraphTransport,
  req: GraphHttpRequest,
  schema: S,
  ambiguousOnBadBody = false,
): Promise<{ ok: true; data: z.output<S> } | { ok: false; error: GraphApiError }> {
  const res = await graphRequest(transport, req);
  if (!res.ok) return res;
  let body: unknown;
  try {
    body = JSON.parse(res.bytes.toString('utf8'));
  } catch {
    return { ok: false, error: unexpectedResponseError(res.status, 'body is not JSON', ambiguousOnBadBody) };
  }
  const graphError = graphErrorFromBody(res.status, body);
  if (graphError) return { ok: false, error: graphError };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const why = parsed.error.issues[0];
    const where = why ? `${why.path.join('.') || 'body'}: ${why.message}` : 'schema mismatch';
    return { ok: false, error: unexpectedResponseError(res.status, where, ambiguousOnBadBody) };
  }
  return { ok: true, data: parsed.data };
}
