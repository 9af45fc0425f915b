import { errorResponse } from "./responses";

/**
 * Every route answers every method: the ones it serves, and 405 (JSON, with `Allow`) for the rest,
 * instead of Next's default empty 405. HEAD follows GET where there is one, as HTTP expects.
 */
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type Method = (typeof METHODS)[number];

export type RouteHandler<Params> = (
  request: Request,
  context: { params: Promise<Params> },
) => Promise<Response>;

export function withMethods<Params>(
  served: Partial<Record<"GET" | "POST", RouteHandler<Params>>>,
): Record<Method, RouteHandler<Params>> {
  const allowed = [...Object.keys(served), ...(served.GET ? ["HEAD"] : [])].join(", ");
  const refuse: RouteHandler<Params> = async () => {
    const response = errorResponse(405, "Method not allowed");
    response.headers.set("allow", allowed);
    return response;
  };
  return {
    GET: served.GET ?? refuse,
    HEAD: served.GET ?? refuse,
    POST: served.POST ?? refuse,
    PUT: refuse,
    PATCH: refuse,
    DELETE: refuse,
    OPTIONS: refuse,
  };
}
