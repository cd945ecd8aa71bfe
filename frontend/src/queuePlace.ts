// Where a queued conversation waits (SPEC §12, R5): "#3 in line · ~2 min". The server computes the
// place and the expected wait; this only words them, and keeps the freshest copy of each.

export interface QueuePlace {
  position: number;
  expectedWaitSeconds?: number | null;
}

/** An expected wait as people read it: "under 1 min", "~2 min", "~1 h 5 min", "~3 h". */
export function waitText(seconds: number): string {
  if (seconds < 60) return 'under 1 min';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `~${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest && hours < 10 ? `~${hours} h ${rest} min` : `~${Math.round(minutes / 60)} h`;
}

/** "#3 in line · ~2 min"; without an estimate (nothing assigned lately on the channel), "#3 in line". */
export function queuePlaceText(place: QueuePlace | null | undefined): string {
  if (!place) return '';
  const line = `#${place.position} in line`;
  const wait = place.expectedWaitSeconds;
  return wait === null || wait === undefined || wait < 0 ? line : `${line} · ${waitText(wait)}`;
}

/** The same, for screen readers and tooltips. */
export function queuePlaceLabel(place: QueuePlace | null | undefined): string {
  if (!place) return '';
  const nth = `Number ${place.position} in line on its channel`;
  const wait = place.expectedWaitSeconds;
  if (wait === null || wait === undefined || wait < 0) return `${nth}; no estimate yet (nothing was assigned on this channel lately).`;
  return `${nth}; expected wait ${waitText(wait).replace('~', 'about ')}.`;
}

/** A place read on its own (QueuePlaces), with the conversation's version at that time. */
export interface PlaceReading {
  version: number;
  queuePosition: QueuePlace | null | undefined;
}

/**
 * The conversation with the freshest place known: a later reading of the places replaces the
 * row's own unless the row is newer than the reading (then its own place came with a newer change).
 */
export function withPlace<T extends { id: string; version: number; queuePosition?: QueuePlace | null }>(
  c: T,
  readings: ReadonlyMap<string, PlaceReading>,
): T {
  const r = readings.get(c.id);
  if (!r || r.version < c.version) return c;
  const a = c.queuePosition;
  const b = r.queuePosition;
  if (a?.position === b?.position && a?.expectedWaitSeconds === b?.expectedWaitSeconds) return c;
  return { ...c, queuePosition: b ?? null };
}
