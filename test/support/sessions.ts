import { expect } from 'vitest';
import type { TestApp } from './app.ts';

type InjectResponse = Awaited<ReturnType<TestApp['app']['inject']>>;

/** A console session for `app.inject`: the cookie, the CSRF token and the sign-in answer. */
export interface TestSession {
  cookie: string;
  csrf: string;
  body: {
    workspace: { id: string };
    workspaces: Array<{ id: string }>;
    user: { id: string; email: string };
  };
}

/** The session a sign-in answer (login, accept-invite, reset, switch) opened. */
export function sessionFrom(res: InjectResponse): TestSession {
  const setCookie = String(res.headers['set-cookie']);
  const body = res.json() as TestSession['body'] & { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken, body };
}

/** Session helpers bound to one test app: sign in (expecting success) and call the API as a session. */
export function sessionHelpers(t: TestApp) {
  const tryLogin = (email: string, password: string, opts: { ip?: string; workspaceId?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password, ...(opts.workspaceId ? { workspaceId: opts.workspaceId } : {}) },
      remoteAddress: opts.ip ?? '127.0.0.1',
    });
  const login = async (email: string, password: string, opts: { ip?: string; workspaceId?: string } = {}) => {
    const res = await tryLogin(email, password, opts);
    expect(res.statusCode, res.body).toBe(200);
    return sessionFrom(res);
  };
  const as = (
    s: TestSession,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      ...(payload ? { payload } : {}),
    });
  return { tryLogin, login, as };
}
