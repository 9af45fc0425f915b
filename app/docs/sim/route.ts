export { simDocsPage as GET } from "@/app/_web/sim-docs";
export const dynamic = "force-dynamic";
