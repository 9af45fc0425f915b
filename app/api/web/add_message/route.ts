export { POST } from "@/app/_web/forms/add-message";
