import { print } from "graphql";
import { notFound } from "next/navigation";
import { runOperationOrThrow } from "@/graphql/execute";
import {
  LiveTimelineEventsDocument,
  WebHomeTimelineDocument,
  WebPublicTimelineDocument,
  WebUserTimelineDocument,
  LiveTimeline as LiveTimelineKind,
  type WebTimelinePageFragment,
} from "@/graphql/generated/operations";
import type { Viewer } from "../../lib/auth/auth";
import { isDomainError } from "../../lib/domain/errors";
import { webContext } from "./graphql";

export const TIMELINE_PAGE_SIZE = 30;

/** The live stream's operation, as the text its client sends. */
const LIVE_QUERY = print(LiveTimelineEventsDocument);

type SearchParams = Record<string, string | string[] | undefined>;

export type TimelineSource = { kind: "public" } | { kind: "home" } | { kind: "user"; username: string };

/** What the live part of a timeline's first page subscribes to (props of `LiveTimeline`). */
export type LiveTimelineSource = {
  query: string;
  timeline: LiveTimelineKind;
  username?: string;
  startCursor: string | null;
};

/** One page of a timeline as plain props: its messages, its live part, and its links' paths. */
export type TimelineView = {
  page: WebTimelinePageFragment;
  /** Only the first page is live: new messages belong above the newest one. */
  live: LiveTimelineSource | null;
  basePath: string;
  currentPath: string;
};

/** The `after` cursor of a timeline URL (`?after=`), if it has one. */
export function afterParam(searchParams: SearchParams): string | null {
  const after = searchParams.after;
  return typeof after === "string" && after !== "" ? after : null;
}

/** A tampered or stale cursor is a page that does not exist, not a server error. */
async function orNotFoundOnBadCursor<T>(load: Promise<T>): Promise<T> {
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

function pageOf(source: TimelineSource, viewer: Viewer | null, after: string | null) {
  const context = webContext(viewer);
  const first = TIMELINE_PAGE_SIZE;
  switch (source.kind) {
    case "public":
      return runOperationOrThrow(WebPublicTimelineDocument, { first, after }, context).then(
        (d) => d.publicTimeline,
      );
    case "home":
      return runOperationOrThrow(WebHomeTimelineDocument, { first, after }, context).then(
        (d) => d.homeTimeline,
      );
    case "user":
      return runOperationOrThrow(
        WebUserTimelineDocument,
        { username: source.username, first, after },
        context,
      ).then((d) => d.userTimeline);
  }
}

const LIVE_KIND = { public: "PUBLIC", home: "HOME", user: "USER" } as const satisfies Record<
  TimelineSource["kind"],
  LiveTimelineKind
>;

/**
 * The one loader of every timeline page (`/`, `/public`, `/<username>`): the page of messages the
 * URL's cursor names (404 for a bad cursor), with what its live part and links need.
 */
export async function loadTimeline(
  source: TimelineSource,
  viewer: Viewer | null,
  searchParams: SearchParams,
  basePath: string,
): Promise<TimelineView> {
  const after = afterParam(searchParams);
  const page = await orNotFoundOnBadCursor(pageOf(source, viewer, after));
  const startCursor = page.edges[0]?.cursor ?? null;
  return {
    page,
    live:
      after === null
        ? {
            query: LIVE_QUERY,
            timeline: LIVE_KIND[source.kind],
            ...(source.kind === "user" ? { username: source.username } : {}),
            startCursor,
          }
        : null,
    basePath,
    currentPath: pathWithCursor(basePath, after),
  };
}
