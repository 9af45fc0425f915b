import { notFound } from "next/navigation";
import { isDomainError } from "../../lib/domain/errors";

export const TIMELINE_PAGE_SIZE = 30;

/** The `after` cursor of a timeline URL (`?after=`), if it has one. */
export function afterParam(searchParams: Record<string, string | string[] | undefined>): string | null {
  const after = searchParams.after;
  return typeof after === "string" && after !== "" ? after : null;
}

/** A tampered or stale cursor is a page that does not exist, not a server error. */
export async function orNotFoundOnBadCursor<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (isDomainError(error) && error.code === "BAD_USER_INPUT" && error.field === "after") notFound();
    throw error;
  }
}

/** The path with the cursor, for controls that return to the same page. */
export function pathWithCursor(path: string, after: string | null): string {
  return after ? `${path}?after=${encodeURIComponent(after)}` : path;
}
