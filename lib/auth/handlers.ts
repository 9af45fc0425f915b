import { NextRequest } from "next/server";
import { BODY_LIMITS, tooLargeMessage, withBodyWithin } from "../security/body-limit";
import { handlers } from "./auth";

export const { GET } = handlers;

/** next-auth reads the body itself; it gets one already read under the limit (chunked too). */
export async function POST(request: NextRequest): Promise<Response> {
  const bounded = await withBodyWithin(request, BODY_LIMITS.form);
  if (bounded === null) {
    return new Response(`${tooLargeMessage(BODY_LIMITS.form)}.`, {
      status: 413,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return handlers.POST(new NextRequest(bounded));
}
