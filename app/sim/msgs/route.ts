export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from "@/rest-compat/routes/msgs";
export const dynamic = "force-dynamic";
