import { runOperationOrThrow } from "@/graphql/execute";
import { SimLatestDocument } from "@/graphql/generated/operations";

import { simRoute } from "../handler";
import { withMethods } from "../methods";

/** `GET /latest`: no auth and no `latest` of its own; -1 until the simulator has sent one. */
const getLatest = simRoute({ auth: false, recordsLatest: false }, async ({ context }) => {
  const { latest } = await runOperationOrThrow(SimLatestDocument, {}, context);
  // BigInt arrives as a decimal string: written as the JSON number it is, with no precision lost.
  return new Response(`{"latest": ${latest ?? "-1"}}`, {
    status: 200,
    headers: { "content-type": "application/json" },
  });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = withMethods({ GET: getLatest });
