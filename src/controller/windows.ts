import type { ParsedFields } from 'node-cron';
import { parse as parseCron } from 'node-cron';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** The `windows` block of a rollout spec: when steps may advance (rollback is always allowed). */
export type RolloutWindows = NonNullable<RolloutSpec['windows']>;

const MINUTE_MS = 60_000;

/** Wall-clock fields of one instant in one IANA timezone. */
interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday, as in cron. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();
const parsedExpressions = new Map<string, ParsedFields>();

function localTime(at: Date, timezone: string): LocalTime {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timezone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** node-cron expands ranges, steps and names itself; we only match its expanded fields. */
function parsed(expression: string): ParsedFields {
  let fields = parsedExpressions.get(expression);
  if (!fields) {
    fields = parseCron(expression);
    parsedExpressions.set(expression, fields);
  }
  return fields;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Nearest weekday (Mon-Fri) to `target` within the month, as cron's `nW` defines it. */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function dayOfMonthMatches(values: ParsedFields['dayOfMonth'], t: LocalTime): boolean {
  const last = daysInMonth(t.year, t.month);
  return values.some((value) => {
    if (typeof value === 'number') return value === t.day;
    if (value === 'L') return t.day === last;
    const weekdayToken = /^(\d{1,2}|L)W$/.exec(value);
    if (weekdayToken) {
      const target = weekdayToken[1] === 'L' ? last : Number(weekdayToken[1]);
      return target <= last && nearestWeekday(t.year, t.month, target) === t.day;
    }
    const offset = /^L-(\d{1,2})$/.exec(value);
    return offset !== null && last - Number(offset[1]) === t.day;
  });
}

function dayOfWeekMatches(values: ParsedFields['dayOfWeek'], t: LocalTime): boolean {
  return values.some((value) => {
    if (typeof value === 'number') return value % 7 === t.weekday;
    const lastOfMonth = /^([0-7])L$/i.exec(value);
    if (lastOfMonth)
      return Number(lastOfMonth[1]) % 7 === t.weekday && t.day + 7 > daysInMonth(t.year, t.month);
    const nth = /^([0-7])#([1-5])$/.exec(value);
    return nth !== null && Number(nth[1]) % 7 === t.weekday && Math.ceil(t.day / 7) === Number(nth[2]);
  });
}

/**
 * Whether the local hour of `t` matches `expression` ignoring the minute field. Like node-cron,
 * day-of-month and day-of-week must both match (not the classic cron "either").
 */
function hourMatches(fields: ParsedFields, t: LocalTime): boolean {
  return (
    fields.hour.includes(t.hour) &&
    fields.month.includes(t.month) &&
    dayOfMonthMatches(fields.dayOfMonth, t) &&
    dayOfWeekMatches(fields.dayOfWeek, t)
  );
}

/** Windows are evaluated per minute: a six-field expression's seconds field is ignored. */
function minuteMatches(fields: ParsedFields, t: LocalTime): boolean {
  return fields.minute.includes(t.minute) && hourMatches(fields, t);
}

/**
 * True when steps may advance at `at`: inside `allow` (if given) and outside every `deny`,
 * evaluated on the wall clock of `windows.timezone`. No windows means always allowed.
 * Expressions must already be valid (the spec parser checks them with node-cron's validator).
 */
export function windowAllows(windows: RolloutWindows | undefined, at: Date): boolean {
  if (!windows) return true;
  const t = localTime(at, windows.timezone);
  if (windows.allow !== undefined && !minuteMatches(parsed(windows.allow), t)) return false;
  return !windows.deny.some((expression) => minuteMatches(parsed(expression), t));
}

/**
 * Minutes that can be skipped at once from `t` without passing an allowed minute: the rest of
 * the local hour when that whole hour is outside `allow` or inside a deny that covers every minute.
 */
function skippableMinutes(windows: RolloutWindows, t: LocalTime): number {
  const restOfHour = 60 - t.minute;
  if (windows.allow !== undefined && !hourMatches(parsed(windows.allow), t)) return restOfHour;
  const wholeHourDenied = windows.deny.some((expression) => {
    const fields = parsed(expression);
    return fields.minute.length === 60 && hourMatches(fields, t);
  });
  return wholeHourDenied ? restOfHour : 1;
}

/**
 * The earliest instant >= `from` at which `windowAllows` is true: `from` itself when allowed,
 * otherwise the start of the first allowed minute. Undefined when none lies within `limitMs`.
 */
export function nextAllowedAt(
  windows: RolloutWindows | undefined,
  from: Date,
  limitMs: number,
): Date | undefined {
  if (windowAllows(windows, from)) return from;
  if (!windows) return from;
  const end = from.getTime() + limitMs;
  let minute = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  // Time-zone offsets are whole minutes, so local minutes start where UTC minutes start.
  while (minute <= end) {
    const at = new Date(minute);
    if (minute >= from.getTime() && windowAllows(windows, at)) return at;
    minute += skippableMinutes(windows, localTime(at, windows.timezone)) * MINUTE_MS;
  }
  return undefined;
}
