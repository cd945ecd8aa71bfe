// Display helpers: the server's enum values as words, and times as people read them.

/** LIVE_CHAT → "Live chat", SUPER_ADMIN → "Super admin". */
export function humanize(value: string): string {
  const words = value.toLowerCase().split('_').filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const channelNames: Record<string, string> = {
  SMS: 'SMS',
  LIVE_CHAT: 'Live chat',
  WHATSAPP: 'WhatsApp',
  FACEBOOK: 'Facebook',
  INSTAGRAM: 'Instagram',
  EMAIL: 'Email',
};

/** The channels in the order the workspace lists them. */
export const CHANNELS = ['SMS', 'LIVE_CHAT', 'WHATSAPP', 'FACEBOOK', 'INSTAGRAM', 'EMAIL'] as const;

/** A channel's usual spelling (WHATSAPP → "WhatsApp"). */
export function channelName(channel: string): string {
  return channelNames[channel] ?? humanize(channel);
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * A short time for lists: the time of day for today, "Yesterday", the day and month within the
 * year, and the full date before that. locale defaults to the browser's.
 */
export function shortTime(iso: string, now: Date = new Date(), locale?: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  if (sameDay(when, now)) {
    return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(when);
  }
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(when, yesterday)) return 'Yesterday';
  if (when.getFullYear() === now.getFullYear()) {
    return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(when);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(when);
}

/** The full date and time, for tooltips and screen readers. */
export function fullTime(iso: string, locale?: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(when);
}

/** How long since iso, for waiting times: "just now", "5 min", "2 h 5 min", "3 d". */
export function elapsed(iso: string, now: Date = new Date()): string {
  const ms = now.getTime() - new Date(iso).getTime();
  if (Number.isNaN(ms)) return '';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/**
 * A customer's handle (a phone number, an email, a chat id) in the pieces a line may break
 * between: never inside a number ("+1 555 0100" stays whole), only after an email's "@" or a dot
 * or slash between words. Shown as unbreakable pieces joined by <wbr>.
 */
export function handleParts(handle: string): string[] {
  if (!/[@./]/.test(handle) || /^[+\d\s().-]+$/.test(handle)) return [handle];
  return handle.split(/(?<=[@./])(?=[^@./])/);
}
