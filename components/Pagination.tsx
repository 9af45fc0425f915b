import Link from "next/link";
import { LinkPending } from "./LinkPending";

/**
 * The link to the next page of a timeline. The cursor names the last message shown, so messages
 * posted meanwhile cannot push older ones into the next page twice.
 */
export function Pagination({ basePath, endCursor }: { basePath: string; endCursor: string | null }) {
  if (!endCursor) return null;
  return (
    <nav aria-label="Pagination" className="pagination">
      <Link href={`${basePath}?after=${encodeURIComponent(endCursor)}`} rel="next" prefetch={false}>
        older messages &rarr;
        <LinkPending />
      </Link>
    </nav>
  );
}
