import pg from "pg";
import { logger } from "../observability/logger";
import { pgConfigFromUrl } from "../db/pg-config";

/**
 * Where an instance hears the triggers' notifications. `onNotification` gets each payload in commit
 * order; `onReconnected` runs after the connection was lost and came back, when notifications of the
 * gap are gone for good and subscribers must catch up from the table.
 */
export type NotificationHandlers = {
  onNotification(payload: string): void;
  onReconnected(): void;
};

export type Listener = { close(): Promise<void> };

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;
/**
 * A LISTEN connection only reads; a server that vanished without closing the socket (a failover, a
 * dropped network) would leave it waiting forever. A trivial statement on it now and then finds out.
 */
const PROBE_INTERVAL_MS = 10_000;

/**
 * One dedicated connection per instance (not one per subscriber): LISTEN holds a session, so it
 * cannot live in the pool. Reconnects by itself with capped exponential backoff.
 */
export function listenOnServer(
  databaseUrl: string,
  channel: string,
  handlers: NotificationHandlers,
  options: { minBackoffMs?: number; maxBackoffMs?: number } = {},
): Listener {
  const minBackoff = options.minBackoffMs ?? MIN_BACKOFF_MS;
  const maxBackoff = options.maxBackoffMs ?? MAX_BACKOFF_MS;
  let closed = false;
  let client: pg.Client | undefined;
  let backoff = minBackoff;
  let connectedOnce = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;

  const lost = (current: pg.Client, error?: Error) => {
    if (client !== current) return;
    client = undefined;
    clearInterval(probeTimer);
    current.removeAllListeners("notification");
    void current.end().catch(() => undefined);
    if (closed) return;
    logger().warn({ err: error, retryInMs: backoff }, "live timelines: database listener lost, reconnecting");
    retryTimer = setTimeout(connect, backoff);
    retryTimer.unref();
    backoff = Math.min(backoff * 2, maxBackoff);
  };

  const connect = () => {
    if (closed) return;
    const current = new pg.Client({ ...pgConfigFromUrl(databaseUrl), keepAlive: true });
    client = current;
    current.on("error", (error) => lost(current, error));
    current.on("end", () => lost(current));
    current.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined)
        handlers.onNotification(message.payload);
    });
    current
      .connect()
      .then(() => current.query(`LISTEN ${pg.escapeIdentifier(channel)}`))
      .then(() => {
        if (client !== current) return;
        backoff = minBackoff;
        probeTimer = setInterval(() => {
          current.query("SELECT 1").catch((error: Error) => lost(current, error));
        }, PROBE_INTERVAL_MS);
        probeTimer.unref();
        if (connectedOnce) {
          logger().info("live timelines: database listener reconnected");
          handlers.onReconnected();
        }
        connectedOnce = true;
      })
      .catch((error: Error) => lost(current, error));
  };

  connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(probeTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * The embedded database (PGlite) is one backend session behind every socket: a notification goes to
 * whichever connection committed the transaction, not to a listening one (and PGlite's in-process
 * `listen()` never sees what arrives through the socket). So the instance LISTENs once on the shared
 * session and reads notifications where they land, on its own pool's connections; writes by another
 * process (a tool sharing the embedded database) are not announced.
 */
export function listenOnEmbedded(pool: pg.Pool, channel: string, handlers: NotificationHandlers): Listener {
  const hooked = new WeakSet<pg.PoolClient>();
  const onNotification = (message: pg.Notification) => {
    if (message.channel === channel && message.payload !== undefined)
      handlers.onNotification(message.payload);
  };
  // `acquire` also reaches connections the pool opened before this listener existed.
  const hook = (client: pg.PoolClient) => {
    if (hooked.has(client)) return;
    hooked.add(client);
    client.on("notification", onNotification);
  };
  pool.on("connect", hook);
  pool.on("acquire", hook);
  void pool
    .query(`LISTEN ${pg.escapeIdentifier(channel)}`)
    .catch((error: Error) => logger().error({ err: error }, "live timelines: LISTEN failed"));
  return {
    async close() {
      pool.off("connect", hook);
      pool.off("acquire", hook);
    },
  };
}
