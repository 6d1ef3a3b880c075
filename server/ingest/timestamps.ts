export type TimestampResult = { ok: true; date: Date } | { ok: false; message: string };

export const timestampHint =
  "Expected an ISO 8601 date-time with a timezone, such as 2024-05-01T12:00:00Z, or epoch seconds or milliseconds";

// Offset or Z required: a time without one means a different instant on every server.
const isoPattern = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;

// Epoch seconds stay below this until the year 33658; epoch milliseconds pass it in 2001.
const millisecondsThreshold = 1e12;

/** An instant from an ISO 8601 string with a timezone, or epoch seconds or milliseconds. */
export function parseTimestamp(value: unknown): TimestampResult {
  if (typeof value === "number") return parseEpoch(value);
  if (typeof value === "string") return parseIso(value.trim());
  return { ok: false, message: timestampHint };
}

function parseEpoch(value: number): TimestampResult {
  if (!Number.isFinite(value)) return { ok: false, message: timestampHint };
  const milliseconds = Math.abs(value) < millisecondsThreshold ? value * 1000 : value;
  return toResult(new Date(Math.round(milliseconds)), "The number is outside the range of dates that can be stored");
}

function parseIso(value: string): TimestampResult {
  const match = isoPattern.exec(value);
  if (!match) return { ok: false, message: timestampHint };
  const [, year, month, day, hour, minute, second = "00", fraction = "", zone = ""] = match;
  // Date.parse rolls 2024-02-30 over to March 1st; a date that does not exist is an error.
  if (!isRealDate(Number(year), Number(month), Number(day))) {
    return { ok: false, message: `${year}-${month}-${day} is not a calendar date` };
  }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return { ok: false, message: `${hour}:${minute}:${second} is not a time of day` };
  }
  const offset = /^[Zz]$/.test(zone) ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const milliseconds = fraction ? fraction.slice(0, 4).padEnd(4, "0") : "";
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${milliseconds}${offset}`);
  return toResult(date, `${value} is not a valid date-time`);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toResult(date: Date, message: string): TimestampResult {
  if (Number.isNaN(date.getTime())) return { ok: false, message };
  return { ok: true, date };
}
