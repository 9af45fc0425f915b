export { GET, POST } from "@/lib/auth/graphql-stream";
