#!/usr/bin/env bash
# Assembles what the runtime image ships, from a finished build (`npm run build && npm run
# build:server`), into one folder: the standalone Next.js output with its traced node_modules, the
# static assets, the bundled server, migrator and legacy importer, the migrations and the health probe. The Dockerfile
# runs it; the system tests run it too and start the result against PostgreSQL, so the image's
# layout is tested here even where no image can be built.
#
#   docker/assemble-runtime.sh OUT_DIR
set -euo pipefail
out="${1:?usage: docker/assemble-runtime.sh OUT_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
for required in .next/standalone/node_modules .next/static dist/server.mjs dist/migrate.mjs dist/import.mjs; do
  [ -e "$required" ] || { echo "assemble-runtime.sh: $required is missing (npm run build && npm run build:server)" >&2; exit 2; }
done

mkdir -p "$out/.next" "$out/prisma" "$out/docker"
cp -a .next/standalone/. "$out/"
cp -a .next/static "$out/.next/static"
if [ -d public ]; then cp -a public "$out/public"; else mkdir -p "$out/public"; fi
cp -a dist "$out/dist"
# Into the folder, not beside it: Next's file tracing may already have copied some of it there.
mkdir -p "$out/prisma/migrations"
cp -a prisma/migrations/. "$out/prisma/migrations/"
cp -a docker/healthcheck.mjs "$out/docker/healthcheck.mjs"

# The importer's SQLite (WebAssembly) is not part of the app, so Next's tracing leaves it out: only the
# Node build and its wasm file, not the package's other builds (31 MB).
sqljs="$out/node_modules/sql.js"
mkdir -p "$sqljs/dist"
cp -a node_modules/sql.js/package.json node_modules/sql.js/LICENSE "$sqljs/"
cp -a node_modules/sql.js/dist/sql-wasm.js node_modules/sql.js/dist/sql-wasm.wasm "$sqljs/dist/"

# Next's file tracing copies whole packages; drop what the app never loads: sharp/libvips (no
# next/image here) and Prisma's engines for other databases and its Rust-engine builds.
modules="$out/node_modules"
rm -rf "$modules/sharp" "$modules/@img"
find "$modules/@prisma/client/runtime" -maxdepth 1 \( -name 'query_engine_bg.*' -o -name 'wasm-engine-edge.*' \
  -o -name 'wasm-compiler-edge.*' -o -name 'query_compiler_bg.cockroachdb*' -o -name 'query_compiler_bg.mysql*' \
  -o -name 'query_compiler_bg.sqlite*' -o -name 'query_compiler_bg.sqlserver*' \) -delete
echo "runtime assembled in $out ($(du -sh "$out" | cut -f1))"
