import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * The layout's boundaries (README, "Architecture"). Patterns are regular expressions over the import
 * specifier as written, so `@/lib/tools/cli/x` and `../tools/cli/x` are the same import. Tests are
 * exempt: a test may reach whatever it exercises.
 */
const TESTS = ["**/*.test.ts", "**/*.spec.ts", "**/*.test.tsx"];
/** Operator and developer tools, and test support: never imported by the app. */
const TOOLS_AND_TESTS = {
  regex:
    "^@/(lib/tools|e2e)(/|$)|(^|/)lib/tools(/|$)|(^|\\.\\./)tools/(cli|bench|simulator|seed|legacy-import|faults)(/|$)|(^|/)e2e(/|$)",
  message: "The app never imports tools (lib/tools/) or test support (e2e/).",
};
/** The transports and frameworks the domain and its persistence stay free of. */
const TRANSPORTS = {
  regex:
    "^(next|next-auth|react|react-dom|graphql|graphql-sse|@apollo/.*|@as-integrations/.*|@graphql-tools/.*)(/|$)|^@/(graphql|app|components|rest-compat)(/|$)|^(\\.\\./)+(graphql|app|components|rest-compat)(/|$)|^(@/lib/|(\\.\\./)+)(auth|live|server|security)(/|$)",
  message:
    "The domain and the database layer import neither Next.js, React, Apollo nor GraphQL, nor the layers above them.",
};
/** rest-compat/ reaches data through the schema: not the domain's functions, not Prisma. */
const DATA_BESIDE_THE_SCHEMA = {
  regex: "^(@/|(\\.\\./)+)lib/(domain/(?!errors$)|db/(?!availability$))|(^|/)generated/prisma|^@prisma/",
  message:
    "rest-compat/ runs GraphQL operations; it never calls the domain or the database (error codes and outage state excepted).",
};
/** Components render props: no domain, no database, no executor; from lib/ and app/ only types. */
const COMPONENT_DATA = {
  regex:
    "^(@/|(\\.\\./)+)lib/(domain|db)(/|$)|^(@/|(\\.\\./)+)graphql/(execute|context|schema|resolvers|http|stream)(/|$)|(^|/)generated/prisma|^@prisma/",
  message:
    "Components render what the page loaded: they never import the domain, the database or the GraphQL executor.",
};
const COMPONENT_VALUES = {
  regex: "^@/(lib/(?!avatar/size$)|app/)",
  allowTypeImports: true,
  message: "Components import only types from lib/ and app/ (the page's loader passes the data).",
};
const APP_CODE = ["app/**", "graphql/**", "rest-compat/**", "components/**", "lib/**", "proxy.ts"];

const boundaries = [
  {
    files: APP_CODE,
    ignores: ["lib/tools/**", ...TESTS],
    rules: { "no-restricted-imports": ["error", { patterns: [TOOLS_AND_TESTS] }] },
  },
  {
    files: ["lib/domain/**", "lib/db/**"],
    ignores: TESTS,
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [TRANSPORTS] }] },
  },
  {
    files: ["rest-compat/**"],
    ignores: TESTS,
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [DATA_BESIDE_THE_SCHEMA] }] },
  },
  {
    files: ["components/**"],
    ignores: TESTS,
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [COMPONENT_DATA, COMPONENT_VALUES] }],
    },
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "dist/**",
      "lib/generated/**",
      "graphql/generated/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // See the component (the bench floor copies its markup): next/image's inline style breaks the CSP and tiny SVGs gain nothing from it.
    files: ["components/Avatar.tsx", "lib/tools/bench/pages-floor/app/page.tsx"],
    rules: { "@next/next/no-img-element": "off" },
  },
  ...boundaries,
];
export default config;
