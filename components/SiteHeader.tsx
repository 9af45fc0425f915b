import Link from "next/link";
import type { Viewer } from "@/lib/auth/auth";
import { EnhancedForm } from "./forms/EnhancedForm";
import { LinkPending } from "./LinkPending";

/** The original's title and navigation, word for word. */
export function SiteHeader({ viewer }: { viewer: Viewer | null }) {
  return (
    <header className="site-header">
      <h1 className="brand">
        <Link href={viewer ? "/" : "/public"} prefetch={false}>
          MiniTwit
        </Link>
      </h1>
      <nav aria-label="Main" className="navigation">
        {viewer ? (
          <>
            <Link href="/" prefetch={false}>
              my timeline
              <LinkPending />
            </Link>
            <span aria-hidden="true"> | </span>
            <Link href="/public" prefetch={false}>
              public timeline
              <LinkPending />
            </Link>
            <span aria-hidden="true"> | </span>
            <EnhancedForm action="/logout" className="inline-form">
              <button type="submit" className="link-button">
                sign out [{viewer.username}]
              </button>
            </EnhancedForm>
          </>
        ) : (
          <>
            <Link href="/public" prefetch={false}>
              public timeline
              <LinkPending />
            </Link>
            <span aria-hidden="true"> | </span>
            <Link href="/register" prefetch={false}>
              sign up
              <LinkPending />
            </Link>
            <span aria-hidden="true"> | </span>
            <Link href="/login" prefetch={false}>
              sign in
              <LinkPending />
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
