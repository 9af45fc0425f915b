export { POST } from "@/lib/web/forms/register";
