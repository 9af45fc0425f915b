// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: [
    "@node-rs/argon2",
    "pino",
    "pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "prom-client",
    // One graphql-js for every route bundle: the schema is built once per process and graphql-js
    // refuses a schema or document made by another copy of itself.
    "graphql",
    "@graphql-tools/schema",
  ],
  // Read from node_modules at run time (app/_web/sim-docs.ts), which the tracer cannot see.
  outputFileTracingIncludes: {
    "/docs/sim": ["./node_modules/swagger-ui-dist/package.json"],
    "/docs/sim/assets/[file]": [
      "./node_modules/swagger-ui-dist/package.json",
      "./node_modules/swagger-ui-dist/swagger-ui-bundle.js",
      "./node_modules/swagger-ui-dist/swagger-ui.css",
    ],
  },
};

module.exports = nextConfig;
