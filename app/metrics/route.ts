// Route segment config must be written here for Next.js to read it; the handler lives in lib/.
export const dynamic = "force-dynamic";
export { GET } from "@/lib/observability/metrics-route";
