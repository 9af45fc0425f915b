export { POST } from "@/app/_web/forms/login";
