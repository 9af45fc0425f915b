#!/usr/bin/env bash
# Scheduled logical backup of Minitwit's PostgreSQL database: `pg_dump --format=custom` into BACKUP_DIR
# (a volume) every BACKUP_INTERVAL_SECONDS, named minitwit-<UTC time>.dump, and dumps older than
# BACKUP_KEEP_DAYS deleted. A dump is written under a `.partial` name and renamed when complete, so a
# file with the final name is always a whole dump. It is one consistent snapshot of the database (the
# simulator may write meanwhile: what was committed before the dump began is in it).
#
# The `backup` service of docker/compose.yml and docker/stack.yml runs it in the postgres image;
# lib/tools/faults/backup-restore.ts runs it once (BACKUP_ONCE=1) against a throwaway server. Restore with
# `npm run db:restore -- <file>` (README, "Backups"). Connection settings are libpq's (PGHOST, PGPORT,
# PGUSER, PGDATABASE); PGPASSWORD_FILE names a file holding the password (a Docker secret).
set -euo pipefail

dir="${BACKUP_DIR:-/backups}"
keep_days="${BACKUP_KEEP_DAYS:-7}"
interval="${BACKUP_INTERVAL_SECONDS:-86400}"
pg_dump="${PG_DUMP:-pg_dump}"

if [[ ! "$keep_days" =~ ^[1-9][0-9]*$ || ! "$interval" =~ ^[1-9][0-9]*$ ]]; then
  echo "backup: BACKUP_KEEP_DAYS and BACKUP_INTERVAL_SECONDS must be positive integers" >&2
  exit 2
fi
if [[ -n "${PGPASSWORD_FILE:-}" ]]; then
  PGPASSWORD="$(cat "$PGPASSWORD_FILE")"
  export PGPASSWORD
fi
mkdir -p "$dir"

backup_once() {
  local file
  file="$dir/minitwit-$(date -u +%Y%m%dT%H%M%SZ).dump"
  # Explicit returns: `set -e` does not apply inside a function called as `backup_once || ...`.
  "$pg_dump" --format=custom --no-owner --no-privileges --file="$file.partial" || return 1
  mv "$file.partial" "$file" || return 1
  echo "backup: wrote $file ($(stat -c %s "$file") bytes)"
  # Older than the retention (minutes, so "7 days" means 7 × 24 h), and any partial file left by a crash.
  find "$dir" -maxdepth 1 -name 'minitwit-*.dump' -mmin "+$((keep_days * 24 * 60))" -print -delete |
    sed 's/^/backup: deleted /'
  find "$dir" -maxdepth 1 -name 'minitwit-*.dump.partial' -mmin +60 -delete
}

if [[ "${BACKUP_ONCE:-0}" == 1 ]]; then
  backup_once
  exit 0
fi
trap 'exit 0' TERM INT
while true; do
  # A failed dump is logged and retried at the next interval; the service keeps running.
  backup_once || echo "backup: FAILED at $(date -u +%FT%TZ)" >&2
  sleep "$interval" &
  wait $!
done
