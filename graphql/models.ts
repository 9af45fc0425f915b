import type { MessageRecord } from "@/lib/domain/messages";
import type { LiveEvent } from "@/lib/live/hub";
import type { Page } from "@/lib/domain/pagination";
import type { ApiTokenRecord } from "@/lib/domain/tokens";
import type { UserRecord } from "@/lib/domain/users";

/**
 * What resolvers pass around for each GraphQL type (codegen's `mappers`). A user may arrive with
 * only its id and name (after a sign-up, say); the fields that need more load the rest on demand.
 */
export type UserModel = Pick<UserRecord, "id" | "username"> & Partial<Omit<UserRecord, "id" | "username">>;
/** A message with its author when the query joined it; a message just posted has only `authorId`. */
export type MessageModel = Omit<MessageRecord, "author"> & { author?: MessageRecord["author"] };
export type ApiTokenModel = ApiTokenRecord;
/** Edges are the rows themselves: the cursor is computed from the row when asked for. */
export type MessageConnectionModel = Page<MessageModel>;
export type UserConnectionModel = Page<UserModel>;
export type TimelineEventModel = LiveEvent;
