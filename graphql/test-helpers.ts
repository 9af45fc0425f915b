import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { createContext, type Viewer } from "./context";
import type { UserRecord } from "@/lib/domain/users";

/** A typed document from a string, for tests of operations no product code ships. */
export function gql<TResult, TVariables = Record<string, never>>(source: string) {
  return parse(source) as TypedDocumentNode<TResult, TVariables>;
}

export function viewerOf(user: Pick<UserRecord, "id" | "username" | "role">): Viewer {
  return { id: user.id, username: user.username, role: user.role };
}

export const anonymous = () => createContext({ viewer: null });
export const simulator = () => createContext({ viewer: null, isSimulator: true });
export const signedIn = (user: Pick<UserRecord, "id" | "username" | "role">) =>
  createContext({ viewer: viewerOf(user) });
