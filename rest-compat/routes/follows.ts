import { runOperationOrThrow } from "@/graphql/execute";
import { SimFollowDocument, SimFollowsDocument, SimUnfollowDocument } from "@/graphql/generated/operations";
import { env } from "@/lib/runtime/env";

import { readJsonObject } from "../body";
import { simRoute } from "../handler";
import { withMethods } from "../methods";
import { parsePageSize } from "../params";
import { errorResponse, json, noContent } from "../responses";
import { impossibleUsername, unknownUser } from "../users";

type Params = { username: string };

/** `GET /fllws/<username>`: `{"follows": [...]}`, whom the user follows, at most `no`. */
const following = simRoute<Params>({ auth: true }, async ({ query, context }, { username }) => {
  if (impossibleUsername(username)) return unknownUser();
  const no = parsePageSize(query.get("no"), env().simMaxPageSize);
  const data = await runOperationOrThrow(SimFollowsDocument, { username, first: Math.max(no, 1) }, context);
  const edges = data.userFollowing.edges;
  const follows: string[] = [];
  for (let i = 0; i < Math.min(no, edges.length); i++)
    follows.push((edges[i] as (typeof edges)[number]).node.username);
  return json({ follows });
});

/**
 * `POST /fllws/<username>` `{"follow": name}` or `{"unfollow": name}`: 204; 404 when either user is
 * unknown. As in the reference, `follow` wins when a body has both.
 */
const followOrUnfollow = simRoute<Params>(
  { auth: true },
  async ({ request, context, latest }, { username }) => {
    if (impossibleUsername(username)) return unknownUser();
    const body = await readJsonObject(request);
    if (!body.ok) return errorResponse(body.status, body.message);
    const { follow, unfollow } = body.value;
    if (follow !== undefined) {
      if (typeof follow !== "string") return errorResponse(400, '"follow" must be a string');
      if (impossibleUsername(follow)) return unknownUser();
      await runOperationOrThrow(SimFollowDocument, { username, target: follow, ...latest() }, context);
      return noContent();
    }
    if (unfollow !== undefined) {
      if (typeof unfollow !== "string") return errorResponse(400, '"unfollow" must be a string');
      if (impossibleUsername(unfollow)) return unknownUser();
      await runOperationOrThrow(SimUnfollowDocument, { username, target: unfollow, ...latest() }, context);
      return noContent();
    }
    return errorResponse(400, 'The request body needs "follow" or "unfollow"');
  },
);

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = withMethods<Params>({
  GET: following,
  POST: followOrUnfollow,
});
