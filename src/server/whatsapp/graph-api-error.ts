import { GraphErrorBodySchema, graphErrorDetails } from '../../contracts/whatsapp/graph-error.schemas.ts';
import { classifyGraphError } from './error-taxonomy.ts';
import type { GraphErrorCategory, GraphRetryScope } from './error-taxonomy.ts';

/** A failed Graph call, normalized: what happened, and what the caller should do about it. */
export interface GraphApiError {
  /** HTTP status of the response; 0 = no HTTP response (network error, timeout). */
  httpStatus: number;
  /** Graph error code; null when the response carried no Graph error body. */
  code: number | null;
  /** Legacy `error_subcode` (e.g. 463 expired token); null when absent. */
  subcode: number | null;
  /** Short description: Graph's message without its `(#code) ` prefix, or what went wrong locally. */
  title: string;
  /** `error_data.details` (Meta's explanation), or a snippet of a non-Graph body; null if none. */
  details: string | null;
  fbtraceId: string | null;
  category: GraphErrorCategory;
  retryable: boolean;
  retryScope: GraphRetryScope | null;
  /** true when the request may have reached Meta (timeout / connection reset after sending, gateway 5xx):
   * the caller must reconcile before resending */
  ambiguous: boolean;
}

/** Thrown by the non-send Graph client methods; sends return `{ ok: false, error }` instead. */
export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';
  readonly error: GraphApiError;

  constructor(error: GraphApiError) {
    super(describeGraphError(error));
    this.error = error;
  }
}

/** One line for logs: `Graph 400 #131009: Parameter value is not valid (permanent)`. */
export function describeGraphError(e: GraphApiError): string {
  const where = e.httpStatus === 0 ? 'Graph (no response)' : `Graph ${e.httpStatus}`;
  const code = e.code === null ? '' : ` #${e.code}`;
  return `${where}${code}: ${e.title} (${e.category}${e.ambiguous ? ', ambiguous' : ''})`;
}

/** Longest body snippet kept in `details` for non-Graph error bodies. */
const SNIPPET = 300;

function snippet(text: string): string | null {
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length === 0 ? null : plain.slice(0, SNIPPET);
}

/**
 * The GraphApiError of a response whose body is a Graph error (`{ "error": {...} }`, on any status — some
 * mocks answer 200), or null when the body is not one.
 */
export function graphErrorFromBody(httpStatus: number, body: unknown): GraphApiError | null {
  const parsed = GraphErrorBodySchema.safeParse(body);
  if (!parsed.success) return null;
  const e = parsed.data.error;
  return {
    httpStatus,
    code: e.code,
    subcode: e.error_subcode ?? null,
    title: e.message.replace(/^\(#\d+\)\s*/, '') || `Graph error ${e.code}`,
    details: graphErrorDetails(e) ?? e.error_user_msg ?? null,
    fbtraceId: e.fbtrace_id ?? null,
    ...classifyGraphError(e.code, httpStatus, e.is_transient),
    ambiguous: false,
  };
}

/**
 * The GraphApiError of a non-2xx response. A Graph error body is authoritative (Meta answered, so not
 * ambiguous). Anything else — an HTML 502 from a gateway, an empty 504 — is classified by status, and a
 * 5xx of that kind is ambiguous: a proxy may have passed the request on before failing.
 */
export function graphErrorFromResponse(
  httpStatus: number,
  statusText: string,
  bodyText: string,
): GraphApiError {
  let body: unknown = null;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // not JSON: classified by status below
  }
  const graph = graphErrorFromBody(httpStatus, body);
  if (graph) return graph;
  return {
    httpStatus,
    code: null,
    subcode: null,
    title: `HTTP ${httpStatus}${statusText ? ` ${statusText}` : ''} without a Graph error body`,
    details: snippet(bodyText),
    fbtraceId: null,
    ...classifyGraphError(null, httpStatus),
    ambiguous: httpStatus >= 500,
  };
}

/**
 * A 2xx response whose body is not what the endpoint returns. For a send, Meta may well have accepted the
 * message, so it is ambiguous; for reads it is just retryable.
 */
export function unexpectedResponseError(httpStatus: number, why: string, ambiguous: boolean): GraphApiError {
  return {
    httpStatus,
    code: null,
    subcode: null,
    title: `unexpected response: ${why}`,
    details: null,
    fbtraceId: null,
    category: 'retryable',
    retryable: true,
    retryScope: null,
    ambiguous,
  };
}
