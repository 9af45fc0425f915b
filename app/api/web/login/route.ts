export { POST } from "@/lib/web/forms/login";
