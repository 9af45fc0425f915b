/**
 * The protocol's answers. Every error is `{"status": <code>, "error_msg": "<text>"}`; success without
 * content is a bare 204, because the simulator counts a 200 as an error.
 */

const JSON_HEADERS = { "content-type": "application/json" } as const;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

export function errorResponse(status: number, message: string): Response {
  return new Response(`{"status": ${status}, "error_msg": ${JSON.stringify(message)}}`, {
    status,
    headers: JSON_HEADERS,
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** Byte for byte the reference's body, spacing included: clients compare it as a string. */
export const FORBIDDEN_BODY = '{"status": 403, "error_msg": "You are not authorized to use this resource!"}';

export function forbidden(): Response {
  return new Response(FORBIDDEN_BODY, { status: 403, headers: JSON_HEADERS });
}
