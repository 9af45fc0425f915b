"use client";

import Link from "next/link";
import { useEffect } from "react";

/** Shown when a page fails to render; the header is left out as it needs the same failing server. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="page">
      <header className="site-header">
        <p className="brand">
          <Link href="/public">MiniTwit</Link>
        </p>
      </header>
      <main id="main" className="body">
        <h1 className="error-title">Something went wrong</h1>
        <p>MiniTwit could not show this page just now. Please try again in a moment.</p>
        {error.digest && (
          <p className="flagged-note">
            Reference: <code>{error.digest}</code>
          </p>
        )}
        <p>
          <button type="button" className="button" onClick={reset}>
            Try again
          </button>{" "}
          <Link href="/public">public timeline</Link>
        </p>
      </main>
    </div>
  );
}
