export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from "@/rest-compat/routes/follows";
export const dynamic = "force-dynamic";
