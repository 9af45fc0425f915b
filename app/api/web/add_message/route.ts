export { POST } from "@/lib/web/forms/add-message";
