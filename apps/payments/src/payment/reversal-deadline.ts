/**
 * RBI's turnaround time for a failed UPI payment whose account was debited: reversed by T+1, T the
 * day of the failure, counted in the scheme's time zone (India: Asia/Kolkata), with compensation to
 * the customer for each day beyond it. The deadline is the end of day T + `days` there: the instant
 * the day after it begins. Time-zone rules come from Intl (the ICU time-zone database), never from
 * offsets written here, so a zone with daylight saving is as right as India's fixed +05:30.
 */
export function reversalDueBy(failedAt: Date, timeZone: string, days: number): Date {
  const failureDay = calendarDateIn(failedAt, timeZone);
  // Calendar arithmetic on a UTC date: whole days, no time zone involved.
  const dayAfterDeadline = new Date(Date.UTC(failureDay.year, failureDay.month - 1, failureDay.day + days + 1));
  return startOfDayIn(
    { year: dayAfterDeadline.getUTCFullYear(), month: dayAfterDeadline.getUTCMonth() + 1, day: dayAfterDeadline.getUTCDate() },
    timeZone,
  );
}

interface CalendarDate {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time of `instant` in `timeZone`. */
function wallClockIn(instant: Date, timeZone: string): CalendarDate & { readonly hour: number; readonly minute: number; readonly second: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  const number = (type: string): number => Number(parts[type]);
  return { year: number('year'), month: number('month'), day: number('day'), hour: number('hour'), minute: number('minute'), second: number('second') };
}

function calendarDateIn(instant: Date, timeZone: string): CalendarDate {
  const { year, month, day } = wallClockIn(instant, timeZone);
  return { year, month, day };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const wall = wallClockIn(instant, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The first instant of `date` in `timeZone`. Midnight read as UTC, corrected by the zone's offset;
 * corrected twice because the offset at the guess may differ from the offset at the answer (a change
 * of offset between them). Where a zone skips midnight, this is the first instant after the gap.
 */
function startOfDayIn(date: CalendarDate, timeZone: string): Date {
  const midnightAsUtc = Date.UTC(date.year, date.month - 1, date.day);
  let guess = midnightAsUtc - offsetAt(new Date(midnightAsUtc), timeZone);
  guess = midnightAsUtc - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}
