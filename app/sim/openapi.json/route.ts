export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from "@/rest-compat/routes/openapi";
