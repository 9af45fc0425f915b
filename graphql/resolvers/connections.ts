import { encodeIdCursor, encodeMessageCursor, type Page } from "@/lib/domain/pagination";

/** pageInfo of a page whose cursor is computed from its last row. */
export function pageInfo<T>(page: Page<T>, cursor: (row: T) => string) {
  const last = page.rows.at(-1);
  return { hasNextPage: page.hasNextPage, endCursor: last === undefined ? null : cursor(last) };
}

export const messageCursor = (message: { id: number; pubDate: Date }) => encodeMessageCursor(message);
export const userCursor = (user: { id: number }) => encodeIdCursor(user.id);
