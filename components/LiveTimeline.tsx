"use client";

import { createClient } from "graphql-sse";
import { useEffect, useRef, useState } from "react";
import type {
  LiveTimeline as LiveTimelineKind,
  LiveTimelineEventsSubscription,
} from "@/graphql/generated/operations";
import { MessageItem, type MessageView } from "./MessageItem";

type Event = LiveTimelineEventsSubscription["messagePosted"];

/** Reconnect delays after a lost stream: 1 s doubling to 30 s, with jitter so clients spread out. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(1000 * 2 ** attempt, 30_000) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the server-rendered page already shows the message (a refresh raced the stream). */
function onPage(id: string): boolean {
  return document.querySelector(`[data-message-id="${CSS.escape(id)}"]`) !== null;
}

/**
 * The live part of a timeline's first page: new messages are announced in a polite live region and
 * only shown, at the top, when the reader asks, so the page never moves under them. Messages flagged
 * meanwhile disappear. Rendered by the server as an empty region: without JavaScript nothing changes.
 * The stream starts at the page's newest message (`startCursor`) and is closed when the page is left
 * or hidden, then resumed from where it stopped.
 */
export function LiveTimeline({
  query,
  timeline,
  username,
  startCursor,
}: {
  /** The LiveTimelineEvents operation's text. */
  query: string;
  timeline: LiveTimelineKind;
  username?: string;
  startCursor: string | null;
}) {
  const [waiting, setWaiting] = useState<MessageView[]>([]);
  const [shown, setShown] = useState<MessageView[]>([]);
  const [reload, setReload] = useState(false);
  const cursor = useRef(startCursor);

  useEffect(() => {
    const client = createClient({
      url: "/api/graphql/stream",
      credentials: "same-origin",
      retryAttempts: Number.POSITIVE_INFINITY,
      retry: backoff,
      // Resumes after a lost stream (or a hidden page) where it stopped, without gaps or repeats.
      headers: (): Record<string, string> => (cursor.current ? { "last-event-id": cursor.current } : {}),
    });
    let dispose: (() => void) | undefined;
    const onEvent = (event: Event) => {
      cursor.current = event.cursor;
      if (event.kind === "RELOAD") setReload(true);
      else if (event.kind === "POSTED" && event.message) {
        const message = event.message;
        if (!onPage(message.id)) setWaiting((list) => [message, ...list.filter((m) => m.id !== message.id)]);
      } else if (event.kind === "WITHDRAWN" && event.withdrawnMessageId) {
        const id = event.withdrawnMessageId;
        setWaiting((list) => list.filter((m) => m.id !== id));
        setShown((list) => list.filter((m) => m.id !== id));
        const rendered = document.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
        if (rendered) rendered.hidden = true;
      }
    };
    const open = () => {
      dispose ??= client.subscribe<LiveTimelineEventsSubscription>(
        { query, variables: { timeline, username: username ?? null } },
        {
          next: (result) => {
            if (result.data) onEvent(result.data.messagePosted);
          },
          // A refused stream (too many open, signed out) ends the live part quietly: the page still works.
          error: () => (dispose = undefined),
          complete: () => (dispose = undefined),
        },
      );
    };
    const close = () => {
      dispose?.();
      dispose = undefined;
    };
    const onVisibility = () => (document.visibilityState === "hidden" ? close() : open());
    open();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      close();
      client.dispose();
    };
  }, [query, timeline, username]);

  const count = waiting.length;
  return (
    <>
      <div className="live-banner" aria-live="polite">
        {reload ? (
          <button type="button" className="live-banner-button" onClick={() => window.location.reload()}>
            New messages: reload
          </button>
        ) : count > 0 ? (
          <button
            type="button"
            className="live-banner-button"
            onClick={() => {
              setShown((list) => [...waiting, ...list]);
              setWaiting([]);
            }}
          >
            {count === 1 ? "1 new message" : `${count} new messages`}
          </button>
        ) : null}
      </div>
      {shown.length > 0 ? (
        <ol className="messages live-messages">
          {shown.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ol>
      ) : null}
    </>
  );
}
