export { GET, POST } from "@/lib/web/forms/logout";
