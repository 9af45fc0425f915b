export { GET, POST } from "@/app/_web/forms/logout";
