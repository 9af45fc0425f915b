import type { ReactNode } from "react";
import type { Viewer } from "@/lib/auth/auth";
import type { Flash as FlashValue } from "@/app/_web/flash";
import { Flash } from "./Flash";
import { SiteHeader } from "./SiteHeader";

/**
 * Every page's frame. It is rendered by each page rather than the root layout because a layout is
 * not re-rendered on client-side navigation, and the navigation and flash must follow a sign-in or
 * an action done without a reload.
 */
export function PageShell({
  viewer,
  flash,
  title,
  currentPath,
  children,
}: {
  viewer: Viewer | null;
  flash: FlashValue;
  title: ReactNode;
  /** This page's path, for controls that come back to it. */
  currentPath: string;
  children: ReactNode;
}) {
  return (
    <div className="page">
      <SiteHeader viewer={viewer} />
      <Flash flash={flash} viewer={viewer} currentPath={currentPath} />
      <main id="main" className="body" tabIndex={-1}>
        <h2>{title}</h2>
        {children}
      </main>
      <footer className="footer">MiniTwit &mdash; A Next.js Application</footer>
    </div>
  );
}
