import path from "node:path";
import { defineConfig } from "vitest/config";

// Array form: the `graphql` entry makes every importer share one copy of graphql-js (its ESM and CJS
// builds otherwise load side by side, and a schema from one is "from another realm" to the other).
const alias = [
  { find: /^@\//, replacement: `${path.resolve(import.meta.dirname)}/` },
  { find: /^graphql$/, replacement: "graphql/index.js" },
];
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
