export { simDocsAsset as GET } from "@/lib/web/sim-docs";
