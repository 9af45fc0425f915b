import type { Metadata } from "next";
import Link from "next/link";
import { PageShell } from "@/components/PageShell";
import { currentUser } from "@/lib/auth/auth";

export const metadata: Metadata = { title: "Not Found" };

export default async function NotFound() {
  const viewer = await currentUser();
  return (
    <PageShell viewer={viewer} flash={{}} title="Not Found" currentPath="/public">
      <p>There is no such page or user here.</p>
      <p>
        <Link href="/public">Back to the public timeline</Link>
      </p>
    </PageShell>
  );
}
