export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from "@/rest-compat/routes/user-msgs";
export const dynamic = "force-dynamic";
