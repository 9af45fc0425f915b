#!/usr/bin/env bash
# Deploys or updates the Minitwit stack. Run on a swarm manager from a copy of the docker/ folder:
#
#   MINITWIT_TAG=1.4.2 ./deploy.sh [--managed-db] [--stack NAME]
#
# STACK_FILE names another stack file than stack.yml beside this script (the swarm test deploys a
# copy without the services it has no images for).
#
# Order: (first deploy only) the stack without app replicas, so the network and PostgreSQL exist;
# then the migration as a one-shot swarm job, awaited; then `docker stack deploy`, whose rolling
# update (start-first, rollback on failure) is awaited and checked. Migrations must stay backward
# compatible with the previous release (expand, then contract in a later release), since old and
# new tasks serve side by side during the update and a rollback keeps the migrated schema.
set -euo pipefail

stack="${STACK_NAME:-minitwit}"
managed_db=false
while (($# > 0)); do
  case "$1" in
    --managed-db) managed_db=true ;;
    --stack)
      stack="${2:?--stack needs a name}"
      shift
      ;;
    -h | --help)
      sed -n '2,14p' "$0"
      exit 0
      ;;
    *)
      echo "deploy.sh: unknown argument $1" >&2
      exit 2
      ;;
  esac
  shift
done

: "${MINITWIT_TAG:?set MINITWIT_TAG to the image tag to deploy}"
export MINITWIT_TAG
export MINITWIT_IMAGE="${MINITWIT_IMAGE:-ghcr.io/minitwit/minitwit}"
image="${MINITWIT_IMAGE}:${MINITWIT_TAG}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Swarm configs are immutable, so their names carry a digest of the files they are made from.
CONFIG_VERSION="$(cat caddy/Caddyfile prometheus/prometheus.yml prometheus/alerts.yml alertmanager/alertmanager.yml \
  alertmanager/minitwit.tmpl alertmanager/render-config.sh loki/config.yml alloy/config.alloy \
  grafana/provisioning/datasources/*.yml grafana/provisioning/dashboards/*.yml grafana/dashboards/*.json |
  sha256sum | cut -c1-12)"
export CONFIG_VERSION
if [[ "$managed_db" == true ]]; then
  export POSTGRES_REPLICAS=0
fi

log() { printf '[deploy %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

for secret in database_url owner_database_url postgres_password auth_secret simulator_password metrics_token grafana_admin_password \
  alert_chat_webhook_url alert_heartbeat_url alert_email alert_smtp_password; do
  if ! docker secret inspect "$secret" >/dev/null 2>&1; then
    echo "deploy.sh: docker secret '$secret' is missing; create it first (docker/README.md, Secrets)" >&2
    exit 1
  fi
done

# --detach=false waits until every service converged, and fails if an update was rolled back.
stack_deploy() {
  docker stack deploy --with-registry-auth --detach=false -c "${STACK_FILE:-stack.yml}" "$stack"
}

if ! docker stack ls --format '{{.Name}}' | grep -qx "$stack"; then
  log "first deployment of stack $stack: network, database and monitoring first"
  APP_REPLICAS=0 stack_deploy
fi

job="${stack}_migrate_$(date -u +%Y%m%d%H%M%S)"
log "running migrations with $image as job $job"
docker service create --detach --quiet --with-registry-auth \
  --name "$job" \
  --mode replicated-job \
  --restart-condition on-failure --restart-max-attempts 10 --restart-delay 5s \
  --network "${stack}_backend" \
  --secret owner_database_url \
  --secret database_url \
  --env DATABASE_URL_FILE=/run/secrets/owner_database_url \
  --env APP_DATABASE_URL_FILE=/run/secrets/database_url \
  --container-label org.minitwit.service=migrate \
  "$image" node dist/migrate.mjs >/dev/null

cleanup_job() { docker service rm "$job" >/dev/null 2>&1 || true; }
trap cleanup_job EXIT

deadline=$((SECONDS + ${MIGRATE_TIMEOUT_SECONDS:-300}))
while :; do
  states="$(docker service ps "$job" --format '{{.CurrentState}}' 2>/dev/null || true)"
  if grep -q '^Complete' <<<"$states"; then
    log "migrations applied"
    break
  fi
  failed="$(grep -c '^Failed\|^Rejected' <<<"$states" || true)"
  if ((failed > 10)) || ((SECONDS > deadline)); then
    echo "deploy.sh: migration job $job did not complete (failed attempts: $failed); its logs:" >&2
    docker service logs --raw "$job" >&2 || true
    exit 1
  fi
  sleep 3
done
cleanup_job
trap - EXIT

log "deploying $image to stack $stack"
stack_deploy

# The deploy above has waited for convergence; a rolled-back or paused update is a failed release.
# Some engines (Debian's 20.10) report convergence while the update is still under way: wait for it.
update_state() { docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "${stack}_app"; }
deadline=$((SECONDS + ${UPDATE_TIMEOUT_SECONDS:-900}))
state="$(update_state)"
while [[ "$state" == updating || "$state" == rollback_started ]] && ((SECONDS < deadline)); do
  sleep 3
  state="$(update_state)"
done
case "$state" in
  "" | completed) ;;
  *)
    echo "deploy.sh: update of ${stack}_app ended in state '$state'" >&2
    docker service inspect --format '{{.UpdateStatus.Message}}' "${stack}_app" >&2
    exit 1
    ;;
esac
log "stack $stack runs $image"
docker stack services "$stack"
