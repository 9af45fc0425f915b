import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };
const ignored = ["node_modules/**", ".next/**", ".data/**", "dist/**", "e2e/**/*.spec.ts"];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...ignored, "**/*.integration.test.ts", "**/*.system.test.ts", "**/*.contract.test.ts"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude: ignored,
          environment: "node",
          globalSetup: ["./e2e/harness/integration-setup.ts"],
          // One database for the run; files take turns so the embedded database (one connection) and
          // tests that count queries are not disturbed by each other.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "system",
          include: ["**/*.system.test.ts", "**/*.contract.test.ts"],
          exclude: ignored,
          environment: "node",
          globalSetup: ["./e2e/harness/system-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
