/** The original's timestamp format, always in UTC: `YYYY-MM-DD @ HH:MM`. */
export function formatPubDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} @ ${iso.slice(11, 16)}`;
}
