import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
    files: ["components/Avatar.tsx", "lib/bench/pages-floor/app/page.tsx"],
    rules: { "@next/next/no-img-element": "off" },
  },
];
export default config;
