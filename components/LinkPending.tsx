"use client";

import { useLinkStatus } from "next/link";

/**
 * The loading state of a client-side navigation, shown inside the link that started it. Pages have
 * no `loading.tsx`: a route-level Suspense boundary streams its content behind a script, which would
 * leave it hidden without JavaScript, and would send 200 before a page can still answer 404 or
 * redirect. Without JavaScript the browser's own page load is the loading state.
 */
export function LinkPending() {
  const { pending } = useLinkStatus();
  return (
    <span className="link-pending" data-pending={pending ? "true" : "false"} aria-hidden="true">
      {pending ? <span className="visually-hidden">loading</span> : null}
    </span>
  );
}
