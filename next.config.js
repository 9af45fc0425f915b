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
  ],
};

module.exports = nextConfig;
