import { runOperationOrThrow } from "@/graphql/execute";
import { SimPostMessageDocument, SimUserMessagesDocument } from "@/graphql/generated/operations";
import { env } from "@/lib/runtime/env";

import { readJsonObject } from "../body";
import { simRoute } from "../handler";
import { toSimMessages } from "../messages";
import { withMethods } from "../methods";
import { parsePageSize } from "../params";
import { errorResponse, json, noContent } from "../responses";
import { impossibleUsername, unknownUser } from "../users";

type Params = { username: string };

/** `GET /msgs/<username>`: that user's messages (404 for an unknown user, even with `no=0`). */
const userMessages = simRoute<Params>({ auth: true }, async ({ query, context }, { username }) => {
  if (impossibleUsername(username)) return unknownUser();
  const no = parsePageSize(query.get("no"), env().simMaxPageSize);
  // The schema's pages hold at least one row; asking for one still tells an unknown user apart.
  const data = await runOperationOrThrow(
    SimUserMessagesDocument,
    { username, first: Math.max(no, 1) },
    context,
  );
  return json(toSimMessages(data.userTimeline.edges, no));
});

/** `POST /msgs/<username>` `{"content"}`: 204; 404 unknown user; 400 bad content. */
const postMessage = simRoute<Params>({ auth: true }, async ({ request, context, latest }, { username }) => {
  if (impossibleUsername(username)) return unknownUser();
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body.status, body.message);
  const { content } = body.value;
  if (typeof content !== "string") return errorResponse(400, 'The request body needs "content" as a string');
  await runOperationOrThrow(SimPostMessageDocument, { username, text: content, ...latest() }, context);
  return noContent();
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = withMethods<Params>({
  GET: userMessages,
  POST: postMessage,
});
