import { createStreamHandler, type StreamHandler } from "@/graphql/stream";
import { env } from "@/lib/runtime/env";
import { viewerFromSessionCookie } from "./session-cookie";

export { LIVE_STREAM_PATH } from "@/graphql/stream";

/**
 * `/api/graphql/stream` as the custom server serves it: the session cookie is accepted like
 * /api/graphql accepts it, read without next-auth's request context (which exists only inside
 * Next.js).
 */
export function liveStreamHandler(): StreamHandler {
  return createStreamHandler({
    resolveSessionViewer: viewerFromSessionCookie,
    streamsPerUser: env().liveStreamsPerUser,
    streamsPerAddress: env().liveStreamsPerAddress,
    maskErrors: env().nodeEnv === "production",
  });
}
