/** `HH:MM:SS` (the seed) or `D HH:MM:SS` (Ottu's newer API); hours may exceed 23. */
const DURATION = /^(?:(\d{1,3}) )?(\d{1,4}):([0-5]\d):([0-5]\d)$/;

/** Seconds in an expiration_time, or undefined when it is not in one of the accepted formats. */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, days = '0', hours, minutes, seconds] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

export const DEFAULT_EXPIRATION = '01:00:00';
