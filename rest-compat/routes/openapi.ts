import document from "../openapi.json";
import { withMethods } from "../methods";

const body = JSON.stringify(document);

/**
 * `GET /sim/openapi.json`: the protocol's OpenAPI 3.1 document. Not a protocol route itself: it
 * needs no credentials and records no `latest`.
 */
async function getOpenApi(): Promise<Response> {
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
  });
}

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = withMethods({ GET: getOpenApi });
