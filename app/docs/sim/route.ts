export { simDocsPage as GET } from "@/lib/web/sim-docs";
export const dynamic = "force-dynamic";
