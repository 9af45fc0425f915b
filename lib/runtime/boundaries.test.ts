import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// The layout's boundaries are lint rules (eslint.config.mjs); each case is a one-line file at a path
// in a guarded folder, linted with the project's config. Without the rules these tests fail.
const root = path.resolve(import.meta.dirname, "..", "..");
let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  // The first run loads the config and its plugins: seconds on a busy machine.
  await eslint.lintText("", { filePath: path.join(root, "lib/domain/x.ts") });
}, 60_000);

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, {
    filePath: path.join(root, filePath),
  });
  return (result?.messages ?? [])
    .filter(
      (m) => m.ruleId === "no-restricted-imports" || m.ruleId === "@typescript-eslint/no-restricted-imports",
    )
    .map((m) => m.message);
}

describe("the layout's boundaries", () => {
  it.each([
    ["lib/domain/x.ts", 'import { x } from "next/server";', "Next.js"],
    ["lib/domain/x.ts", 'import { x } from "react";', "React"],
    ["lib/domain/x.ts", 'import { x } from "@apollo/server";', "Apollo"],
    ["lib/domain/x.ts", 'import { x } from "graphql";', "GraphQL"],
    ["lib/domain/x.ts", 'import { x } from "@/graphql/execute";', "the GraphQL layer"],
    ["lib/db/x.ts", 'import { x } from "../../app/_web/flash";', "the web adapter"],
    ["lib/domain/x.ts", 'import { x } from "../auth/auth";', "the session layer"],
  ])("%s may not %s (%s)", async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringMatching(/domain and the database layer/),
    ]);
  });

  it.each([
    ["rest-compat/x.ts", 'import { x } from "@/lib/domain/messages";'],
    ["rest-compat/x.ts", 'import { x } from "../lib/db/prisma";'],
    ["rest-compat/routes/x.ts", 'import { x } from "../../lib/generated/prisma/client";'],
  ])("%s reaches data only through the schema: %s", async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringMatching(/rest-compat\/ runs GraphQL operations/),
    ]);
  });

  it.each([
    ["components/X.tsx", 'import { x } from "@/lib/domain/users";'],
    ["components/X.tsx", 'import { x } from "@/lib/db/prisma";'],
    ["components/forms/X.tsx", 'import { x } from "@/graphql/execute";'],
  ])("%s never reads data itself: %s", async (file, code) => {
    expect(await boundaryErrors(file, code)).toContainEqual(
      expect.stringMatching(/Components render what the page/),
    );
  });

  it("components import only types from lib/ and app/", async () => {
    expect(await boundaryErrors("components/X.tsx", 'import { x } from "@/app/_web/flash";')).toEqual([
      expect.stringMatching(/only types/),
    ]);
    expect(await boundaryErrors("components/X.tsx", 'import type { x } from "@/app/_web/flash";')).toEqual(
      [],
    );
  });

  it.each([
    ["app/page.tsx", 'import { x } from "@/lib/tools/cli/run";'],
    ["graphql/x.ts", 'import { x } from "@/e2e/support/fixtures";'],
    ["rest-compat/x.ts", 'import { x } from "../e2e/harness/server";'],
    ["components/X.tsx", 'import type { x } from "@/lib/tools/simulator/scenario";'],
    ["lib/server/x.ts", 'import { x } from "../tools/bench/results";'],
    ["proxy.ts", 'import { x } from "./e2e/support/users";'],
  ])("%s never imports tools or tests: %s", async (file, code) => {
    expect(await boundaryErrors(file, code)).toContainEqual(expect.stringMatching(/never imports tools/));
  });

  it("lets what the layout allows through", async () => {
    expect(await boundaryErrors("lib/domain/x.ts", 'import { x } from "../db/prisma";')).toEqual([]);
    expect(await boundaryErrors("rest-compat/x.ts", 'import { x } from "@/graphql/execute";')).toEqual([]);
    expect(await boundaryErrors("rest-compat/x.ts", 'import { x } from "@/lib/domain/errors";')).toEqual([]);
    expect(await boundaryErrors("components/X.tsx", 'import { x } from "./Timeline";')).toEqual([]);
    expect(await boundaryErrors("lib/tools/cli/x.ts", 'import { x } from "@/e2e/harness/server";')).toEqual(
      [],
    );
    expect(
      await boundaryErrors("lib/domain/x.test.ts", 'import { x } from "../tools/simulator/scenario";'),
    ).toEqual([]);
    expect(await boundaryErrors("graphql/x.ts", 'import { x } from "@graphql-tools/schema";')).toEqual([]);
  });
});
