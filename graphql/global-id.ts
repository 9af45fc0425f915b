import { DomainError } from "@/lib/domain/errors";

export type NodeType = "User" | "Message" | "ApiToken";
const NODE_TYPES: readonly NodeType[] = ["User", "Message", "ApiToken"];

/** Relay global ids: opaque to clients, and they say which type to fetch. */
export function toGlobalId(type: NodeType, id: number): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

export function fromGlobalId(globalId: string): { type: NodeType; id: number } | null {
  if (globalId.length > 64 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const [type, id, ...rest] = Buffer.from(globalId, "base64url").toString("utf8").split(":");
  if (rest.length > 0 || id === undefined || !/^\d{1,10}$/.test(id)) return null;
  const numeric = Number(id);
  if (numeric > 2_147_483_647 || !NODE_TYPES.includes(type as NodeType)) return null;
  return { type: type as NodeType, id: numeric };
}

/** The numeric id behind a global id of the expected type, or BAD_USER_INPUT. */
export function expectGlobalId(globalId: string, type: NodeType, field = "id"): number {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== type)
    throw new DomainError("BAD_USER_INPUT", `Not a valid ${type} id`, field);
  return parsed.id;
}
