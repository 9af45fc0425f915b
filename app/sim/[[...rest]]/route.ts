export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from "@/rest-compat/routes/not-found";
export const dynamic = "force-dynamic";
