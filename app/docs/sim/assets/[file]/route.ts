export { simDocsAsset as GET } from "@/app/_web/sim-docs";
