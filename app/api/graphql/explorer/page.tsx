import type { Metadata } from "next";
import { GraphiQLExplorer } from "@/components/GraphiQLExplorer";

export const metadata: Metadata = { title: "GraphQL explorer" };

/**
 * GraphiQL. Browsers reach it as `GET /api/graphql` (proxy.ts rewrites requests that accept HTML
 * here); it renders per request so the CSP nonce of that request is on its scripts.
 */
export const dynamic = "force-dynamic";

export default function GraphQLExplorerPage() {
  return <GraphiQLExplorer />;
}
