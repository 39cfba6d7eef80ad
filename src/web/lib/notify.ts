/**
 * Browser notifications, an optional sound, and the unread count in the tab title. Preferences live in
 * localStorage (per browser); the sound is synthesised (no asset to load).
 */
const SOUND_KEY = 'tsunagi.sound';

/** Whether this browser plays the chime for new messages (off until the agent turns it on). */
export function soundEnabled(): boolean {
  return localStorage.getItem(SOUND_KEY) === 'on';
}

/** Remembers the agent's sound choice in this browser. */
export function setSoundEnabled(on: boolean): void {
  localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
}

let audio: AudioContext | null = null;

/** A short, soft two-tone chime. */
export function playChime(): void {
  if (!soundEnabled()) return;
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.08, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.3);
    }
  } catch {
    // audio unavailable: ignore
  }
}

/** Whether the browser has the Notification API (absent in some embedded browsers and older iOS). */
export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Asks for permission to show notifications; true when granted. Must run from a user gesture. */
export async function requestNotifications(): Promise<boolean> {
  if (!notificationsSupported()) return false;
  return (await Notification.requestPermission()) === 'granted';
}

/** Shows a notification when the page is in the background (or always, for `force`); clicking focuses it. */
export function notify(title: string, body: string, onClick: () => void, tag?: string): void {
  playChime();
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body: body.slice(0, 200), ...(tag ? { tag } : {}) });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // some browsers only allow notifications from a service worker: ignore
  }
}

/** `(3) Tsunagi` style title. */
export function setTitleCount(count: number, base = 'Tsunagi'): void {
  document.title = count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base;
}
