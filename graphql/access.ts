import { env } from "@/lib/runtime/env";
import { DomainError } from "@/lib/domain/errors";
import type { UserSelector } from "@/lib/domain/messages";
import { MAX_PAGE_SIZE, pageSize } from "@/lib/domain/pagination";
import type { GraphQLContext, Viewer } from "./context";

export function requireViewer(context: GraphQLContext): Viewer {
  if (!context.viewer) throw new DomainError("UNAUTHENTICATED", "You have to sign in first");
  return context.viewer;
}

export function requireAdmin(context: GraphQLContext): Viewer {
  const viewer = requireViewer(context);
  if (viewer.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only administrators may do this");
  return viewer;
}

export function requireSimulator(context: GraphQLContext): void {
  if (!context.isSimulator) throw new DomainError("FORBIDDEN", "Only the simulator may do this");
}

/** Whom an action is for: `actingAs` is the simulator's privilege, everyone else acts as themselves. */
export function actor(context: GraphQLContext, actingAs: string | null | undefined): UserSelector {
  if (actingAs !== null && actingAs !== undefined) {
    requireSimulator(context);
    return { username: actingAs };
  }
  return { id: requireViewer(context).id };
}

/** The simulator's `latest` an action records with its own write; only the simulator may send one. */
export function latestToRecord(
  context: GraphQLContext,
  latest: bigint | null | undefined,
): bigint | undefined {
  if (latest === null || latest === undefined) return undefined;
  requireSimulator(context);
  return latest;
}

/** The simulator protocol pages far beyond what a browser or third party may ask for. */
export function requestedPageSize(context: GraphQLContext, first: number | null | undefined): number {
  return pageSize(first, context.isSimulator ? env().simMaxPageSize : MAX_PAGE_SIZE);
}
