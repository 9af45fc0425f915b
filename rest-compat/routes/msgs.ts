import { runOperationOrThrow } from "@/graphql/execute";
import { SimPublicMessagesDocument } from "@/graphql/generated/operations";
import { env } from "@/lib/runtime/env";

import { simRoute } from "../handler";
import { toSimMessages } from "../messages";
import { withMethods } from "../methods";
import { parsePageSize } from "../params";
import { json } from "../responses";

/** `GET /msgs`: everyone's messages, newest first, flagged ones hidden, at most `no`. */
const publicMessages = simRoute({ auth: true }, async ({ query, context }) => {
  const no = parsePageSize(query.get("no"), env().simMaxPageSize);
  if (no === 0) return json([]);
  const data = await runOperationOrThrow(SimPublicMessagesDocument, { first: no }, context);
  return json(toSimMessages(data.publicTimeline.edges, no));
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = withMethods({ GET: publicMessages });
