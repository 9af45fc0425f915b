import { type MessageKey } from "../domain/pagination";

/** The channel the messages table's triggers notify (prisma/migrations/*_live_timelines). */
export const LIVE_CHANNEL = "minitwit_messages";

/**
 * One notification of the triggers: `posted:<id>:<author id>:<pub_date ms>` when a message was
 * committed, `withdrawn:…` when one was flagged.
 */
export type Notice = { kind: "posted" | "withdrawn"; id: number; authorId: number; key: MessageKey };

const NOTICE = /^(posted|withdrawn):(\d{1,10}):(\d{1,10}):(-?\d{1,16})$/;

/** The notice a payload carries, or null for one this version does not know (a newer trigger's). */
export function parseNotice(payload: string): Notice | null {
  const match = NOTICE.exec(payload);
  if (!match) return null;
  const [, kind, id, authorId, millis] = match;
  const pubDate = new Date(Number(millis));
  if (Number.isNaN(pubDate.getTime())) return null;
  return {
    kind: kind as Notice["kind"],
    id: Number(id),
    authorId: Number(authorId),
    key: { pubDate, id: Number(id) },
  };
}

/** Order of keys in a timeline read oldest first: negative when `a` comes before `b`. */
export function compareKeys(a: MessageKey, b: MessageKey): number {
  return a.pubDate.getTime() - b.pubDate.getTime() || a.id - b.id;
}
