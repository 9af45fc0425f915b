import path from "node:path";
import { defineConfig } from "prisma/config";
import { MigrationAdapterFactory } from "./lib/db/migration-adapter";

// `prisma generate` reads the datasource URL without connecting; the placeholder keeps it working on a
// machine with no database configured, and is refused by anything that would connect.
const PLACEHOLDER_URL = "postgresql://database-url-not-set.invalid/minitwit";
if (!process.env.DATABASE_URL) process.env.DATABASE_URL = PLACEHOLDER_URL;

// Prisma's native schema engine is a download; the JS engine runs offline through a driver adapter.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url || url === PLACEHOLDER_URL)
      throw new Error("DATABASE_URL must be set for Prisma CLI commands (see README)");
    return new MigrationAdapterFactory(url);
  },
});
