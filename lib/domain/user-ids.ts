import { rejectNul } from "../db/guards";
import { db } from "../db/prisma";

/**
 * Ids of users by name, remembered per process: the simulator names users in every action, and the
 * look-up was a query of its own before each write. A name's id never changes while the user exists
 * (there is no renaming, and PostgreSQL never reuses an id), so a remembered id is either still that
 * user's or belongs to no one: the write's foreign key then fails, the name is forgotten and looked
 * up again. Every instance keeps its own; none can be wrong in a way the database would not catch.
 * Bounded: the oldest names are dropped first.
 */
const MAX_REMEMBERED = 100_000;
const ids = new Map<string, number>();

function remember(username: string, id: number): void {
  if (ids.size >= MAX_REMEMBERED) {
    const oldest = ids.keys().next();
    if (!oldest.done) ids.delete(oldest.value);
  }
  ids.set(username, id);
}

/** Forgets names whose remembered id a write found gone. */
export function forgetUserIds(...usernames: string[]): void {
  for (const username of usernames) ids.delete(username);
}

/**
 * The ids of the named users that exist, remembered ones first, the rest in one query (or none).
 * With `fresh`, every name is looked up in the database again.
 */
export async function userIdsByName(
  usernames: readonly string[],
  options: { fresh?: boolean } = {},
): Promise<Map<string, number>> {
  rejectNul(usernames);
  const found = new Map<string, number>();
  const missing: string[] = [];
  for (const username of usernames) {
    const id = options.fresh ? undefined : ids.get(username);
    if (id === undefined) missing.push(username);
    else found.set(username, id);
  }
  if (missing.length === 0) return found;
  const rows = await db().user.findMany({
    where: { username: { in: missing } },
    select: { id: true, username: true },
  });
  if (options.fresh) forgetUserIds(...missing);
  for (const row of rows) {
    remember(row.username, row.id);
    found.set(row.username, row.id);
  }
  return found;
}
