import type { MessageRecord } from "../domain/messages";
import { encodeMessageCursor, type MessageKey } from "../domain/pagination";
import { logger } from "../observability/logger";
import { liveMetrics } from "./metrics";
import { compareKeys, parseNotice, type Notice } from "./notice";
import { followPairs, messagesAfter, newestKey, visibleInOrder, type LiveTimeline } from "./queries";

/**
 * What a stream receives. `cursor` is the stream's position after the event (the newest message it
 * has been given): a client that reconnects with it as `Last-Event-ID` gets what it missed.
 */
export type LiveEvent =
  | { kind: "POSTED"; cursor: string; message: MessageRecord }
  | { kind: "WITHDRAWN"; cursor: string; messageId: number }
  | { kind: "RELOAD"; cursor: string };

/** Why the server ended a stream; the client should reconnect (with its cursor) after a while. */
export class StreamClosed extends Error {
  constructor(readonly reason: "slow" | "shutdown" | "idle") {
    super(`the live stream was closed (${reason})`);
    this.name = "StreamClosed";
  }
}

export type HubOptions = {
  /** Events a stream may have waiting for its reader; one more and the reader is cut off. */
  maxQueue?: number;
  /** Messages a resuming stream may have missed before it is told to reload instead. */
  maxCatchUp?: number;
  /** How long a follow (or its absence) is believed before the table is asked again. */
  followCacheMs?: number;
  /** How long notices are gathered, from the first, before they are processed as one batch. */
  batchMs?: number;
};

/** Notices waiting for processing; past this the hub gives up on them and lets every stream catch up. */
const MAX_PENDING = 10_000;
/** Messages read per statement when notices pile up. */
const FETCH_CHUNK = 500;
const MAX_FOLLOW_CACHE = 100_000;

/**
 * A message's key and its encoded cursor, made once and shared by every stream it reaches (a thousand
 * streams would otherwise each allocate and encode the same).
 */
const keys = new WeakMap<MessageRecord, { key: MessageKey; cursor: string }>();

function keyOf(message: MessageRecord): { key: MessageKey; cursor: string } {
  let known = keys.get(message);
  if (!known) {
    const key = { pubDate: message.pubDate, id: message.id };
    keys.set(message, (known = { key, cursor: encodeMessageCursor(key) }));
  }
  return known;
}

type Waiter = { resolve(result: IteratorResult<LiveEvent>): void; reject(error: unknown): void };

/** One open stream: a bounded queue read as an async iterator (what a GraphQL subscription returns). */
export class Subscription implements AsyncIterableIterator<LiveEvent> {
  /** The newest message given to this stream (or where it started). */
  cursor: MessageKey | null = null;
  /**
   * Where the stream started (the client's `Last-Event-ID`, or the newest message then): the client
   * has what is at or before it, so a notice for such a message, arriving after the catch-up (the hub
   * gathers notices for a moment), is not given out again.
   */
  floor: MessageKey | null = null;
  private encoded: { key: MessageKey; cursor: string } | undefined;
  private readonly queue: { event: LiveEvent; noticedAt: number | null }[] = [];
  private waiter: Waiter | undefined;
  private closed: StreamClosed | "done" | undefined;
  /** Ids given out lately: a message can reach a stream both by catching up and by its notice. */
  private readonly recent = new Set<number>();

  constructor(
    readonly timeline: LiveTimeline,
    private readonly hub: LiveHub,
    private readonly maxQueue: number,
  ) {}

  get open(): boolean {
    return this.closed === undefined;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Gives the stream a message it has not had. */
  post(message: MessageRecord, noticedAt: number | null): void {
    if (!this.open || this.recent.has(message.id)) return;
    const known = keyOf(message);
    const key = known.key;
    if (this.floor !== null && compareKeys(key, this.floor) <= 0) return;
    this.recent.add(message.id);
    if (this.recent.size > 2 * this.maxQueue) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    if (this.cursor === null || compareKeys(key, this.cursor) > 0) {
      this.cursor = key;
      this.encoded = known;
    }
    this.push({ kind: "POSTED", cursor: this.position(), message }, noticedAt);
  }

  withdraw(messageId: number, noticedAt: number | null): void {
    this.push({ kind: "WITHDRAWN", cursor: this.position(), messageId }, noticedAt);
  }

  reload(to: MessageKey): void {
    this.cursor = to;
    this.floor = to;
    this.recent.clear();
    this.push({ kind: "RELOAD", cursor: this.position() }, null);
  }

  private position(): string {
    const cursor = this.cursor ?? { pubDate: new Date(0), id: 0 };
    // The cursor is reassigned from outside too (catching up, reloading): encoded again only then.
    if (this.encoded?.key !== cursor) this.encoded = { key: cursor, cursor: encodeMessageCursor(cursor) };
    return this.encoded.cursor;
  }

  private push(event: LiveEvent, noticedAt: number | null): void {
    if (!this.open) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      this.delivered(noticedAt);
      waiter.resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      liveMetrics().dropped.inc({ reason: "slow" });
      this.end(new StreamClosed("slow"));
      return;
    }
    this.queue.push({ event, noticedAt });
  }

  private delivered(noticedAt: number | null): void {
    const metrics = liveMetrics();
    metrics.delivered.inc();
    if (noticedAt !== null) metrics.latency.observe((performance.now() - noticedAt) / 1000);
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    const head = this.queue.shift();
    if (head) {
      this.delivered(head.noticedAt);
      return Promise.resolve({ value: head.event, done: false });
    }
    if (this.closed === "done") return Promise.resolve({ value: undefined, done: true });
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** The reader is done (the client went away, or the subscription completed). */
  return(): Promise<IteratorResult<LiveEvent>> {
    this.end("done");
    return Promise.resolve({ value: undefined, done: true });
  }

  private ended:
    { promise: Promise<StreamClosed | "done">; resolve(reason: StreamClosed | "done"): void } | undefined;

  /**
   * Settles when the stream ends, also while its reader is not asking for events: a writer blocked on
   * a socket that takes nothing (a reader that stopped reading) learns here that it was cut off. One
   * promise per stream, however often the writer waits.
   */
  whenEnded(): Promise<StreamClosed | "done"> {
    if (this.closed !== undefined) return Promise.resolve(this.closed);
    if (!this.ended) {
      let resolve!: (reason: StreamClosed | "done") => void;
      const promise = new Promise<StreamClosed | "done">((r) => (resolve = r));
      this.ended = { promise, resolve };
    }
    return this.ended.promise;
  }

  /** Ends the stream from the server's side: the reader sees `reason` once its queue is read. */
  end(reason: StreamClosed | "done"): void {
    if (!this.open) return;
    this.closed = reason;
    this.ended?.resolve(reason);
    // A stream cut off resumes from its cursor, not from a backlog kept here.
    this.queue.length = 0;
    this.hub.remove(this);
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return;
    if (reason === "done") waiter.resolve({ value: undefined, done: true });
    else waiter.reject(reason);
  }
}

/**
 * This instance's live streams and the fan-out to them. Notices are processed strictly one batch
 * after another, so every stream sees messages in the order they were committed; each batch costs one
 * statement for the messages and at most one for follows, however many streams are open.
 */
export class LiveHub {
  /** Streams in the fan-out (caught up). */
  private readonly subscriptions = new Set<Subscription>();
  /** Every open stream, also those still catching up. */
  private readonly open = new Set<Subscription>();
  private closing: StreamClosed["reason"] | undefined;
  private pending: { notice: Notice; noticedAt: number }[] = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly followCache = new Map<string, { follows: boolean; until: number }>();
  private readonly maxQueue: number;
  private readonly maxCatchUp: number;
  private readonly followCacheMs: number;
  private readonly batchMs: number;

  constructor(options: HubOptions = {}) {
    this.maxQueue = options.maxQueue ?? 256;
    this.maxCatchUp = options.maxCatchUp ?? 100;
    this.followCacheMs = options.followCacheMs ?? 5_000;
    this.batchMs = options.batchMs ?? 25;
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * A stream of the timeline from `after` (a client's last cursor; null: from now). It joins the
   * fan-out only once it has caught up, inside the processing order, so nothing is given out of turn.
   */
  subscribe(timeline: LiveTimeline, after: MessageKey | null): Subscription {
    const subscription = new Subscription(timeline, this, this.maxQueue);
    liveMetrics().open.inc();
    this.open.add(subscription);
    if (this.closing) {
      subscription.end(new StreamClosed(this.closing));
      return subscription;
    }
    this.enqueue(async () => {
      if (!subscription.open) return;
      if (after === null) subscription.cursor = subscription.floor = await newestKey();
      else {
        subscription.floor = after;
        await this.catchUp(subscription, after);
      }
      if (subscription.open) this.subscriptions.add(subscription);
    });
    return subscription;
  }

  /** Called by a subscription as it ends. */
  remove(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
    this.open.delete(subscription);
    liveMetrics().open.dec();
  }

  /** A payload from the triggers' channel. */
  notify(payload: string): void {
    const notice = parseNotice(payload);
    if (!notice) return;
    if (this.pending.length >= MAX_PENDING) {
      logger().warn({ pending: this.pending.length }, "live timelines: falling behind, streams catch up");
      liveMetrics().dropped.inc({ reason: "backlog" }, this.pending.length);
      this.pending = [];
      this.reconnected();
      return;
    }
    this.pending.push({ notice, noticedAt: performance.now() });
    if (this.scheduled) return;
    this.scheduled = true;
    // Notices that arrive within `batchMs` of each other are read with one statement and reach each
    // stream together, in one socket write (graphql/stream.ts): under load the fan-out's cost grows
    // with the batches, not with the messages, for at most `batchMs` of added latency.
    setTimeout(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = [];
      this.enqueue(() => this.process(batch));
    }, this.batchMs);
  }

  /** The listener lost notices (a database restart): every stream reads what it missed. */
  reconnected(): void {
    this.enqueue(async () => {
      for (const subscription of [...this.subscriptions]) {
        if (subscription.cursor) await this.catchUp(subscription, subscription.cursor);
      }
    });
  }

  /** Ends every stream (shutdown): clients reconnect, to another instance, from their cursors. */
  closeAll(reason: StreamClosed["reason"]): void {
    this.closing = reason;
    for (const subscription of [...this.open]) subscription.end(new StreamClosed(reason));
  }

  /** Resolves once everything queued so far has been processed (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((error: unknown) => {
      // A failed read (the database is down) loses those notices: the listener's reconnect makes
      // every stream catch up from its cursor.
      logger().warn({ err: error }, "live timelines: processing notices failed");
    });
  }

  private async catchUp(subscription: Subscription, after: MessageKey): Promise<void> {
    const missed = await messagesAfter(subscription.timeline, after, this.maxCatchUp + 1);
    if (missed.length > this.maxCatchUp) {
      subscription.reload(await newestKey());
      return;
    }
    if (subscription.cursor === null || compareKeys(after, subscription.cursor) > 0)
      subscription.cursor = after;
    for (const message of missed) subscription.post(message, null);
  }

  private async process(batch: { notice: Notice; noticedAt: number }[]): Promise<void> {
    if (this.subscriptions.size === 0) return;
    const noticedAt = new Map(batch.map((item) => [item.notice.id, item.noticedAt]));
    const posted = batch.filter((item) => item.notice.kind === "posted").map((item) => item.notice.id);
    const messages: MessageRecord[] = [];
    for (let i = 0; i < posted.length; i += FETCH_CHUNK) {
      messages.push(...(await visibleInOrder(posted.slice(i, i + FETCH_CHUNK))));
    }
    const withdrawn = batch.filter((item) => item.notice.kind === "withdrawn").map((item) => item.notice);
    const authors = new Set([...messages.map((m) => m.authorId), ...withdrawn.map((n) => n.authorId)]);
    const follows = await this.follows(authors);

    for (const subscription of this.subscriptions) {
      const shows = (authorId: number) => {
        const timeline = subscription.timeline;
        switch (timeline.kind) {
          case "public":
            return true;
          case "user":
            return timeline.authorId === authorId;
          case "home":
            return timeline.viewerId === authorId || follows(timeline.viewerId, authorId);
        }
      };
      for (const message of messages) {
        if (shows(message.authorId)) subscription.post(message, noticedAt.get(message.id) ?? null);
      }
      for (const notice of withdrawn) {
        if (shows(notice.authorId)) subscription.withdraw(notice.id, noticedAt.get(notice.id) ?? null);
      }
    }
  }

  /** Whether each home stream's viewer follows each author, from the cache or one statement. */
  private async follows(authors: Set<number>): Promise<(viewerId: number, authorId: number) => boolean> {
    const now = Date.now();
    const viewers = new Set<number>();
    for (const subscription of this.subscriptions) {
      if (subscription.timeline.kind === "home") viewers.add(subscription.timeline.viewerId);
    }
    const unknown: [number, number][] = [];
    for (const viewer of viewers) {
      for (const author of authors) {
        if (author === viewer) continue;
        const cached = this.followCache.get(`${viewer}:${author}`);
        if (!cached || cached.until < now) unknown.push([viewer, author]);
      }
    }
    if (unknown.length > 0) {
      const found = await followPairs(unknown);
      if (this.followCache.size + unknown.length > MAX_FOLLOW_CACHE) this.followCache.clear();
      const until = now + this.followCacheMs;
      for (const [viewer, author] of unknown) {
        const key = `${viewer}:${author}`;
        this.followCache.set(key, { follows: found.has(key), until });
      }
    }
    return (viewerId, authorId) => this.followCache.get(`${viewerId}:${authorId}`)?.follows ?? false;
  }
}
