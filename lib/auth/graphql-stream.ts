import { createStreamHandler } from "@/graphql/stream";
import { env } from "@/lib/env";
import { currentUser } from "./auth";

// The live stream accepts the web session like /api/graphql does (lib/auth/graphql-session.ts).
const store = globalThis as unknown as { minitwitStreamHandler?: (req: Request) => Promise<Response> };

function handler(): (req: Request) => Promise<Response> {
  store.minitwitStreamHandler ??= createStreamHandler({
    resolveSessionViewer: () => currentUser(),
    streamsPerUser: env().liveStreamsPerUser,
    streamsPerAddress: env().liveStreamsPerAddress,
    maskErrors: env().nodeEnv === "production",
  });
  return store.minitwitStreamHandler;
}

export function GET(req: Request): Promise<Response> {
  return handler()(req);
}

export function POST(req: Request): Promise<Response> {
  return handler()(req);
}
