/**
 * Times in the reader's zone: an ISO 8601 timestamp with its offset (`2026-12-06T12:18:38+05:30`) in the
 * reports, the same with spaces (`2026-12-06 12:18:38 +05:30`) where a person reads it on a page, so the
 * moment is exact and readable by a person in India (or wherever REPORT_TIMEZONE says) at once.
 */

/** Where customer-sync's users are; REPORT_TIMEZONE changes it. */
export const DEFAULT_REPORT_TIMEZONE = 'Asia/Kolkata';

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `iso` (any ISO 8601 time) as local time in `timeZone`, with the offset; '' for an empty input. */
export function localTimestamp(iso: string, timeZone: string): string {
  const t = zoneParts(iso, timeZone);
  return typeof t === 'string' ? t : `${t.date}T${t.time}${t.offset}`;
}

/**
 * The same moment for a person to read (the web page, the API's `timings.*Local`):
 * `2026-12-06 17:45:03 +05:30`.
 */
export function localTimeText(iso: string, timeZone: string): string {
  const t = zoneParts(iso, timeZone);
  return typeof t === 'string' ? t : `${t.date} ${t.time} ${t.offset}`;
}

/** The date, time and offset of `iso` in `timeZone`; the input itself when it is empty or not a time. */
function zoneParts(iso: string, timeZone: string): { date: string; time: string; offset: string } | string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  // "GMT+05:30", or "GMT" for a zero offset.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset,
  };
}
