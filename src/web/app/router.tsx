import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/*
 * A small history-API router. The console has five routes (login, invite, inbox, conversation, settings);
 * TanStack Router would add ~40 KB gzipped and code generation for that, so this is ~60 lines instead.
 */

const CHANGE = 'tsunagi:navigate';

function subscribe(fn: () => void): () => void {
  window.addEventListener('popstate', fn);
  window.addEventListener(CHANGE, fn);
  return () => {
    window.removeEventListener('popstate', fn);
    window.removeEventListener(CHANGE, fn);
  };
}

/** The current path plus query string, re-rendering on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const q = href.indexOf('?');
  return q === -1 ? { pathname: href, search: '' } : { pathname: href.slice(0, q), search: href.slice(q) };
}

/** Asked before every client-side navigation; false keeps the page (see {@link useLeaveGuard}). */
let leaveGuard: ((to: string) => boolean) | null = null;

/** Goes to `to` (same origin) without reloading, unless a leave guard keeps the page. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (leaveGuard && !leaveGuard(to)) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/**
 * Matches `/inbox/:id` style patterns; returns the params or null. A trailing `/*` matches the rest.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    if (seg === '*') return params;
    const value = s[i];
    if (value === undefined) return null;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(value);
    else if (seg !== value) return null;
  }
  return s.length === p.length ? params : null;
}

/** An `<a>` that navigates client-side on a plain click (new tab etc. keep working). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return <a {...rest} onClick={click} />;
}

/**
 * While `active`, every way out of the page asks first: a link or `navigate` (unless `stays(to)` — e.g. a tab of
 * the same page), the browser's back and forward buttons, and a reload or closing the tab (the browser's own
 * dialog).
 */
export function useLeaveGuard(active: boolean, message: string, stays: (to: string) => boolean): void {
  useEffect(() => {
    if (!active) return;
    const here = window.location.pathname + window.location.search;
    const ask = (to: string) => stays(to) || window.confirm(message);
    leaveGuard = ask;
    const onPop = () => {
      const to = window.location.pathname + window.location.search;
      if (to === here || ask(to)) return;
      window.history.pushState(null, '', here);
      window.dispatchEvent(new Event(CHANGE));
    };
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('popstate', onPop);
    window.addEventListener('beforeunload', onUnload);
    return () => {
      if (leaveGuard === ask) leaveGuard = null;
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [active, message, stays]);
}
