export { GET, POST } from "@/graphql/http";
