#!/usr/bin/env bash
# Writes the secret files docker/compose.yml mounts, with fresh random values, into docker/secrets/
# (or MINITWIT_SECRETS_DIR). A file that exists is kept, so running it again changes nothing.
#
#   docker/generate-secrets.sh && docker compose -f docker/compose.yml up --build
#
# The app refuses to start on the `*.example` values (`change-me…`); copying them is not enough.
# simulator_password is the protocol's `super_safe!`, which the course's simulator sends: change it
# when yours can send another, and set SIM_ALLOWED_NETWORKS either way.
set -euo pipefail

dir="${MINITWIT_SECRETS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets}"
mkdir -p "$dir"

# URL-safe characters only: the password also goes into database_url.
random() { head -c "$1" /dev/urandom | base64 | tr -d '\n+/='; }

write() {
  local name="$1" value="$2"
  if [[ -e "$dir/$name" ]]; then
    echo "kept    $dir/$name"
    return
  fi
  printf '%s' "$value" >"$dir/$name"
  # Compose bind-mounts the files; the containers' users (node, postgres, grafana) must read them.
  chmod 0644 "$dir/$name"
  echo "written $dir/$name"
}

if [[ -e "$dir/postgres_password" ]]; then
  postgres_password="$(cat "$dir/postgres_password")"
else
  postgres_password="$(random 24)"
fi
write postgres_password "$postgres_password"
# The app's own role (created by the migrate service, not a superuser) and the schema owner's.
write database_url "postgresql://minitwit_app:$(random 24)@postgres:5432/minitwit"
write owner_database_url "postgresql://minitwit:${postgres_password}@postgres:5432/minitwit"
write auth_secret "$(random 32)"
write simulator_password 'super_safe!'
write metrics_token "$(random 24)"
write grafana_admin_password "$(random 18)"
