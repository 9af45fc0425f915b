import DataLoader from "dataloader";
import { findMessagesByIds } from "@/lib/domain/messages";
import { followedAmong, followerCounts, followingCounts } from "@/lib/domain/follows";
import { findUsersByIds, findUsersByUsernames, type UserRecord, type Viewer } from "@/lib/domain/users";
import type { MessageModel } from "./models";

export type { Viewer };

export type GraphQLContext = {
  /** The signed-in user (web session or API token); null when anonymous. */
  viewer: Viewer | null;
  /** The simulator protocol layer: may act as any user and record `latest`. Never set over HTTP. */
  isSimulator: boolean;
  /** How the viewer proved who they are; some actions need a session, not a token. */
  viewerSource?: "session" | "token";
  loaders: Loaders;
  requestId?: string;
  /** A live stream's `Last-Event-ID` (graphql/stream.ts): where a subscription resumes. */
  lastEventId?: string;
};

export type Loaders = ReturnType<typeof createLoaders>;

function byKey<K, V>(keys: readonly K[], rows: readonly V[], key: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(key(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/**
 * Per request, so one request never sees another's cache, and within a request every user, count
 * or follow flag on a page is fetched in one query however many messages mention it.
 */
function createLoaders(viewer: Viewer | null) {
  const userById = new DataLoader<number, UserRecord | null>(async (ids) =>
    byKey(ids, await findUsersByIds(ids), (user) => user.id),
  );
  const userByUsername = new DataLoader<string, UserRecord | null>(async (names) => {
    const users = await findUsersByUsernames(names);
    for (const user of users) userById.prime(user.id, user);
    return byKey(names, users, (user) => user.username);
  });
  const messageById = new DataLoader<number, MessageModel | null>(async (ids) =>
    byKey(ids, await findMessagesByIds(ids), (message) => message.id),
  );
  const followersCount = new DataLoader<number, number>(async (ids) => {
    const counts = await followerCounts(ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  const followingCount = new DataLoader<number, number>(async (ids) => {
    const counts = await followingCounts(ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  const viewerIsFollowing = new DataLoader<number, boolean>(async (ids) => {
    if (!viewer) return ids.map(() => false);
    const followed = await followedAmong(viewer.id, ids);
    return ids.map((id) => followed.has(id));
  });
  return { userById, userByUsername, messageById, followersCount, followingCount, viewerIsFollowing };
}

export function createContext(options: {
  viewer: Viewer | null;
  isSimulator?: boolean;
  viewerSource?: "session" | "token";
  requestId?: string;
  lastEventId?: string;
}): GraphQLContext {
  return {
    viewer: options.viewer,
    isSimulator: options.isSimulator ?? false,
    viewerSource: options.viewer ? (options.viewerSource ?? "session") : undefined,
    loaders: createLoaders(options.viewer),
    requestId: options.requestId,
    lastEventId: options.lastEventId,
  };
}
