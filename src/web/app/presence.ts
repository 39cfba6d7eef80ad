import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api.ts';

/** An agent's availability: only online agents seen in the last 2 minutes get automatic assignments. */
export type Availability = 'online' | 'away' | 'offline';
export const AVAILABILITIES: Availability[] = ['online', 'away', 'offline'];

/** How often the console checks in (the server counts an agent as present for 2 minutes). */
export const PRESENCE_INTERVAL_MS = 60_000;
const STORAGE_KEY = 'tsunagi.availability';

function saved(): Availability {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'away' || v === 'offline' ? v : 'online';
}

/** Tells the server this user's availability (best effort: a missed beat only delays assignments). */
export function sendPresence(availability: Availability): Promise<void> {
  return api('/presence', { method: 'PUT', body: { availability } }).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * The signed-in user's availability: sent now and every minute while the console is open (the heartbeat),
 * remembered on this browser. `offline` stops the heartbeat after telling the server.
 */
export function usePresence(workspaceId: string): [Availability, (a: Availability) => void] {
  const [availability, setAvailability] = useState<Availability>(saved);
  useEffect(() => {
    void sendPresence(availability);
    if (availability === 'offline') return;
    const timer = setInterval(() => void sendPresence(availability), PRESENCE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [availability, workspaceId]);
  const set = useCallback((a: Availability) => {
    localStorage.setItem(STORAGE_KEY, a);
    setAvailability(a);
  }, []);
  return [availability, set];
}
