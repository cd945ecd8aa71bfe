import { useCallback, useRef, useState } from 'react';
import { ALERTS_KEY, alertFor, alertsEnabled, type AlertContext } from './alerts';
import { describeNotification, type NotificationLike } from './live/notifications';

function permission(): AlertContext['permission'] {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function stored(): string | null {
  try {
    return localStorage.getItem(ALERTS_KEY);
  } catch {
    return null;
  }
}

/** A short two-note chime, made on the spot (no sound file to load). */
function chime(audio: AudioContext) {
  const start = audio.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.08, start + i * 0.12 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.12 + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.12);
    osc.stop(start + i * 0.12 + 0.3);
  }
}

/**
 * Sound and desktop notifications (alerts.ts): off until the agent turns them on, which asks the
 * browser's permission (only then, from that click); remembered in localStorage.
 */
export function useAlerts() {
  const [enabled, setEnabled] = useState(() => alertsEnabled(stored()));
  const [allowed, setAllowed] = useState(permission);
  const audio = useRef<AudioContext | null>(null);

  const setOn = useCallback(async (on: boolean) => {
    setEnabled(on);
    try {
      localStorage.setItem(ALERTS_KEY, on ? 'on' : 'off');
    } catch {
      // not remembered: on for this page only
    }
    if (!on) return;
    // Created from the click, so that the browser lets it play later.
    if (!audio.current && typeof AudioContext !== 'undefined') audio.current = new AudioContext();
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      setAllowed(await Notification.requestPermission());
    }
  }, []);

  const notify = useCallback(
    (n: NotificationLike) => {
      const visible = document.visibilityState === 'visible' && document.hasFocus();
      const what = alertFor(n.kind, { enabled, permission: permission(), visible });
      if (what.sound) {
        audio.current ??= typeof AudioContext !== 'undefined' ? new AudioContext() : null;
        if (audio.current) {
          void audio.current.resume().catch(() => undefined);
          chime(audio.current);
        }
      }
      if (what.desktop) {
        const shown = new Notification('Switchboard', { body: describeNotification(n), tag: n.cursor });
        shown.onclick = () => window.focus();
      }
    },
    [enabled],
  );

  return { enabled, permission: allowed, setOn, notify };
}
