import { dbPool } from "../db/prisma";
import { env } from "../runtime/env";
import { LiveHub, type HubOptions } from "./hub";
import { listenOnEmbedded, listenOnServer, type Listener } from "./listener";
import { liveMetrics } from "./metrics";
import { LIVE_CHANNEL } from "./notice";
import { singleton } from "../runtime/singleton";

/** This process's live timelines: the hub its streams subscribe to and the listener that feeds it. */
export type Live = { hub: LiveHub; close(): Promise<void> };

/**
 * Kept on globalThis: the custom server starts it (and closes it on shutdown) while the stream route,
 * bundled separately by Next.js, subscribes to the same hub.
 */
const store = singleton<{ live?: Live }>("live", () => ({}));

export function startLive(options: { databaseUrl: string; embedded: boolean; hub?: HubOptions }): Live {
  if (store.live) return store.live;
  liveMetrics(); // exposed from the start, at zero, so dashboards and checks find every series
  const hub = new LiveHub(options.hub);
  const handlers = {
    onNotification: (payload: string) => hub.notify(payload),
    onReconnected: () => hub.reconnected(),
  };
  const listener: Listener = options.embedded
    ? listenOnEmbedded(dbPool(), LIVE_CHANNEL, handlers)
    : listenOnServer(options.databaseUrl, LIVE_CHANNEL, handlers);
  const live: Live = {
    hub,
    // The hub stays in place, closed: a stream asked for during the drain is ended at once.
    async close() {
      hub.closeAll("shutdown");
      await listener.close();
    },
  };
  store.live = live;
  return live;
}

/** The hub of this process; started on first use where the server did not start it (tests, tools). */
export function liveHub(): LiveHub {
  if (store.live) return store.live.hub;
  const { databaseUrl, embeddedDatabase } = env();
  if (!databaseUrl)
    throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  return startLive({ databaseUrl, embedded: embeddedDatabase }).hub;
}
