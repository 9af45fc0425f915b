export { follow as GET, follow as POST } from "@/app/_web/forms/follow";
