/**
 * Calendar checks for date and time values. `Date.parse('2026-02-30')` is a valid date in V8 (it
 * rolls over into March), so a date is real only when its parts come back unchanged.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

export const isRealDate = (value: string): boolean => {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

export const isRealTime = (value: string): boolean => {
  const match = TIME.exec(value);
  if (!match) return false;
  const [hours, minutes, seconds = 0] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  return hours < 24 && minutes < 60 && seconds < 60;
};

/** An ISO 8601 date and time (or a date alone) that names a real instant. */
export const isRealDateTime = (value: string): boolean => {
  if (Number.isNaN(Date.parse(value))) return false;
  const datePart = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return !datePart || isRealDate(datePart[1]);
};
