export { follow as GET, follow as POST } from "@/lib/web/forms/follow";
