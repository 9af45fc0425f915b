import { NextRequest } from "next/server";
import { withBodyWithin } from "../security/body-limit";
import { handlers } from "./auth";

/** next-auth's forms are a CSRF token, a username and a password: far below this. */
const AUTH_BODY_LIMIT = 64 * 1024;

export const { GET } = handlers;

/** next-auth reads the body itself; it gets one already read under the limit (chunked too). */
export async function POST(request: NextRequest): Promise<Response> {
  const bounded = await withBodyWithin(request, AUTH_BODY_LIMIT);
  if (bounded === null) {
    return new Response("The request body is too large.", {
      status: 413,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return handlers.POST(new NextRequest(bounded));
}
