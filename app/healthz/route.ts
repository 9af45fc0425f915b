export { healthz as GET } from "@/lib/server/health";
export const dynamic = "force-dynamic";
