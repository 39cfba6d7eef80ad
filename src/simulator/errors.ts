import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { graphErrorInfo } from '../contracts/whatsapp/graph-error-codes.rules.ts';
import type { GraphErrorBody } from '../contracts/whatsapp/graph-error.schemas.ts';

/** Where Meta points `errors[].href` in webhooks. */
const ERROR_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** Options that override the defaults derived from the code table. */
export interface GraphErrorOptions {
  /** Full `message`; default `(#code) title`. */
  message?: string;
  httpStatus?: number;
  subcode?: number;
  /** `OAuthException` unless Meta uses something else for this failure (e.g. GraphMethodException). */
  type?: string;
}

/**
 * A synchronous Graph API failure. Thrown anywhere inside a Graph route; the route's error handler renders it
 * with {@link graphErrorBody}. `details` always names the offending field so callers can fix the request.
 */
export class GraphError extends Error {
  readonly code: number;
  readonly details: string;
  readonly httpStatus: number;
  readonly subcode: number | undefined;
  readonly type: string;

  constructor(code: number, details: string, opts: GraphErrorOptions = {}) {
    const info = graphErrorInfo(code);
    super(opts.message ?? `(#${code}) ${info?.title ?? 'Unknown error'}`);
    this.code = code;
    this.details = details;
    this.httpStatus = opts.httpStatus ?? info?.httpStatus ?? 400;
    this.subcode = opts.subcode;
    this.type = opts.type ?? 'OAuthException';
  }
}

/** Meta-looking `fbtrace_id`: 23 URL-safe base64 characters. */
export function newFbtraceId(): string {
  return randomBytes(18).toString('base64url').slice(0, 23);
}

/** The HTTP body for a {@link GraphError}, shaped like reference §2.1. */
export function graphErrorBody(err: GraphError): GraphErrorBody {
  return {
    error: {
      message: err.message,
      type: err.type,
      code: err.code,
      ...(err.subcode === undefined ? {} : { error_subcode: err.subcode }),
      error_data: { messaging_product: 'whatsapp', details: err.details },
      fbtrace_id: newFbtraceId(),
    },
  };
}

/** An `errors[]` entry as the simulator emits it (the lenient parsing side is `WebhookErrorSchema`). */
export interface WebhookError {
  code: number;
  title: string;
  message?: string;
  error_data?: { details: string };
  href?: string;
}

/** The `errors[]` item of a `failed` status webhook (reference §2.2: `title` equals `message`). */
export function webhookError(code: number, details: string): WebhookError {
  const title = graphErrorInfo(code)?.title ?? 'Unknown error';
  return { code, title, message: title, error_data: { details }, href: ERROR_HREF };
}

/** Unknown object id, in Meta's exact wording (code 100, subcode 33, GraphMethodException). */
export function unknownObjectError(method: 'get' | 'post' | 'delete', id: string): GraphError {
  return new GraphError(100, `Object with ID '${id}' does not exist`, {
    message:
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing ` +
      'permissions, or does not support this operation. Please read the Graph API documentation at ' +
      'https://developers.facebook.com/docs/graph-api',
    subcode: 33,
    type: 'GraphMethodException',
  });
}

/** Missing or unknown bearer token (code 190, HTTP 401). */
export function invalidTokenError(missing: boolean): GraphError {
  return missing
    ? new GraphError(190, 'An access token is required to request this resource', {
        message: '(#190) An access token is required to request this resource',
      })
    : new GraphError(190, 'The access token could not be decrypted', {
        message: '(#190) Invalid OAuth access token - Cannot parse access token',
      });
}

/** A required field is missing, in Meta's wording (code 100). */
export function missingParameter(field: string): GraphError {
  return new GraphError(100, `The parameter ${field} is required.`, {
    message: `(#100) The parameter ${field} is required.`,
  });
}

/** `interactive.action.buttons[0].reply.title` from a zod path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value at a zod issue's path, to tell a missing field from a wrong one. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k];
    else if (isRecord(v) && typeof k === 'string') v = v[k];
    else return undefined;
  }
  return v;
}

/** `Param <field> …`, without repeating the field when the schema's message already starts with it. */
function paramDetails(field: string, message: string): string {
  if (!field) return message;
  return message.startsWith(`${field} `) ? `Param ${message}` : `Param ${field}: ${message}`;
}

/**
 * Turns a zod issue into the Graph error Meta would return, naming the field in `details`: a missing field is
 * `The parameter X is required.`; array sizes are 131009; a custom issue takes `params.graphCode` (the contracts'
 * `COUNT_ISSUE`); everything else is 100. `root` is the value that was parsed, `prefix` its path in the body.
 */
function issueToGraphError(issue: z.core.$ZodIssue, root: unknown, prefix: PropertyKey[] = []): GraphError {
  const field = fieldPath([...prefix, ...issue.path]);
  if (issue.code !== 'custom' && valueAt(root, issue.path) === undefined) return missingParameter(field);
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const bound =
        issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
      if (issue.origin === 'array') return new GraphError(131009, `Param ${field} must have ${bound} items.`);
      if (issue.origin === 'string')
        return new GraphError(100, `Param ${field} must be ${bound} characters long.`);
      return new GraphError(100, `Param ${field} must be ${bound}.`);
    }
    case 'invalid_value':
      return new GraphError(100, `Param ${field} must be one of {${issue.values.map(String).join(', ')}}.`);
    case 'invalid_union':
      if ('options' in issue && issue.options !== undefined) {
        return new GraphError(
          100,
          `Param ${field} must be one of {${issue.options.map(String).join(', ')}}.`,
        );
      }
      return new GraphError(100, paramDetails(field, issue.message));
    case 'custom': {
      const code = typeof issue.params?.graphCode === 'number' ? issue.params.graphCode : 100;
      return new GraphError(code, paramDetails(field, issue.message));
    }
    default:
      return new GraphError(100, paramDetails(field, issue.message));
  }
}

/** Parses `value` with `schema` or throws the Graph error for its first issue. */
export function parseOrGraphError<T>(schema: z.ZodType<T>, value: unknown, prefix: PropertyKey[] = []): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw issue
    ? issueToGraphError(issue, value, prefix)
    : new GraphError(100, `Param ${fieldPath(prefix)} is invalid.`);
}
