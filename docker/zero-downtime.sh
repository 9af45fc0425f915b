#!/usr/bin/env bash
# Zero-downtime check without Docker: a throwaway PostgreSQL 15, two app instances behind HAProxy
# (active /readyz health checks, retry on connection failure to the other instance), a simulator
# scenario replayed at full speed through the balancer while each instance is restarted in turn
# (SIGTERM, wait for exit, start, wait for /readyz). A probe also requests /healthz through the
# balancer all along. Prints the error counts; exits non-zero when anything failed.
#
#   docker/zero-downtime.sh
#
# Environment (defaults): ACTIONS (6000) scenario size, CONCURRENCY (4) simulator connections,
# DRAIN_SECONDS (2) SHUTDOWN_DRAIN_SECONDS of the instances, PG_BIN (/usr/lib/postgresql/15/bin),
# BASE_PORT (47300: balancer, +1 and +2 the instances, +3 PostgreSQL), SIMULATE (npm run --silent
# simulate --) the simulator command, TIMEOUT_MS (300, the course's) the simulator's time limit per
# request, KEEP_WORK=1 keeps the work directory (logs) for inspection.
# Needs a production build (`npm run build`); builds once if there is none.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

actions="${ACTIONS:-6000}"
concurrency="${CONCURRENCY:-4}"
drain="${DRAIN_SECONDS:-2}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
base_port="${BASE_PORT:-47300}"
lb_port="$base_port"
app_ports=("$((base_port + 1))" "$((base_port + 2))")
pg_port="$((base_port + 3))"
read -r -a simulate <<<"${SIMULATE:-npm run --silent simulate --}"

for tool in haproxy curl "$pg_bin/initdb" "$pg_bin/pg_ctl"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "zero-downtime.sh: $tool is missing (apt-get install haproxy curl postgresql-15)" >&2
    exit 2
  fi
done

work="$(mktemp -d /tmp/minitwit-zero-downtime.XXXXXX)"
chmod 755 "$work"
app_pids=("" "")
haproxy_pid=""
probe_pid=""
sim_pid=""

log() { printf '[zero-downtime %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_postgres() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "$sim_pid" "$probe_pid" "${app_pids[@]}" "$haproxy_pid"; do
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "$sim_pid" "$probe_pid" "${app_pids[@]}" "$haproxy_pid"; do
    if [[ -n "$pid" ]]; then wait "$pid" 2>/dev/null || true; fi
  done
  if [[ -f "$work/pg/postmaster.pid" ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    echo "work directory kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- database ------------------------------------------------------------------------------------
log "PostgreSQL on 127.0.0.1:$pg_port"
mkdir -p "$work/pg"
if ((EUID == 0)); then chown postgres:postgres "$work/pg"; fi
as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 >"$work/initdb.log"
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
database_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"

log "migrating"
DATABASE_URL="$database_url" npm run --silent db:migrate >"$work/migrate.log" 2>&1 ||
  {
    cat "$work/migrate.log" >&2
    exit 1
  }

if [[ ! -f .next/BUILD_ID ]]; then
  log "no production build: npm run build"
  npm run --silent build >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log" >&2
    exit 1
  }
fi

# --- app instances -------------------------------------------------------------------------------
# Both instances share one session-signing key, as a real deployment's replicas do.
auth_secret="$(head -c 32 /dev/urandom | base64)"
start_instance() {
  local i="$1" port="${app_ports[$1]}"
  PORT="$port" HOST=127.0.0.1 DATABASE_URL="$database_url" MIGRATE_ON_START=false AUTH_SECRET="$auth_secret" \
    SIMULATOR_PASSWORD='super_safe!' METRICS_ALLOWED_NETWORKS=127.0.0.0/8 \
    SHUTDOWN_DRAIN_SECONDS="$drain" SHUTDOWN_TIMEOUT_SECONDS=20 LOG_LEVEL=warn NODE_ENV=production \
    node --import tsx lib/tools/cli/start.ts >>"$work/app$i.log" 2>&1 &
  app_pids[i]=$!
}

wait_ready() {
  local i="$1" port="${app_ports[$1]}" deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    if ! kill -0 "${app_pids[i]}" 2>/dev/null; then
      echo "instance $i exited during start-up; its log:" >&2
      tail -30 "$work/app$i.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "instance $i not ready after 120 s" >&2
      return 1
    fi
    sleep 0.5
  done
}

stop_instance() {
  local i="$1" started=$SECONDS
  kill -TERM "${app_pids[i]}"
  wait "${app_pids[i]}" || true
  app_pids[i]=""
  log "instance $i exited $((SECONDS - started)) s after SIGTERM"
}

for i in 0 1; do start_instance "$i"; done
for i in 0 1; do wait_ready "$i"; done
log "instances ready on ports ${app_ports[*]}"

# --- balancer ------------------------------------------------------------------------------------
# Health checks every 250 ms take a draining instance (503 on /readyz) out within the drain period
# (two failed checks, so one check slowed by a busy machine does not take a healthy instance out);
# a refused connection (instance down) is retried on the other server, which is safe for any method.
cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 1s
  retries 3
  option redispatch 1
  retry-on conn-failure
frontend minitwit
  bind 127.0.0.1:$lb_port
  default_backend app
backend app
  balance roundrobin
  option httpchk GET /readyz
  default-server inter 250ms fastinter 250ms downinter 250ms fall 2 rise 2
  server a 127.0.0.1:${app_ports[0]} check
  server b 127.0.0.1:${app_ports[1]} check
CFG
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$lb_port/healthz"; do sleep 0.2; done
log "HAProxy on 127.0.0.1:$lb_port"

# --- load ----------------------------------------------------------------------------------------
"${simulate[@]}" generate --actions "$actions" --seed 7 --out "$work/scenario.tsv"

probe() {
  local failures=0 total=0 code
  while [[ ! -f "$work/probe.stop" ]]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$lb_port/healthz" || true)"
    total=$((total + 1))
    if [[ "$code" != 200 ]]; then
      failures=$((failures + 1))
      echo "$(date +%T.%N) probe got '$code'" >>"$work/probe-errors.log"
    fi
    sleep 0.05
  done
  echo "$total $failures" >"$work/probe.result"
}
probe &
probe_pid=$!

log "replaying $actions actions through the balancer"
"${simulate[@]}" --url "http://127.0.0.1:$lb_port/sim" --scenario "$work/scenario.tsv" \
  --concurrency "$concurrency" --timeout "${TIMEOUT_MS:-300}" >"$work/simulate.out" 2>&1 &
sim_pid=$!

sleep 3
for i in 0 1; do
  if ! kill -0 "$sim_pid" 2>/dev/null; then
    echo "zero-downtime.sh: the replay ended before instance $i was restarted; raise ACTIONS" >&2
    exit 1
  fi
  log "restarting instance $i"
  stop_instance "$i"
  start_instance "$i"
  wait_ready "$i"
  log "instance $i ready again"
  sleep 2
done
restarts_done_during_replay=true
kill -0 "$sim_pid" 2>/dev/null || restarts_done_during_replay=false

sim_status=0
wait "$sim_pid" || sim_status=$?
sim_pid=""
touch "$work/probe.stop"
wait "$probe_pid" || true
probe_pid=""

# --- report --------------------------------------------------------------------------------------
read -r probe_total probe_failures <"$work/probe.result"
sim_errors="$(sed -n 's/^errors: *\([0-9]*\).*/\1/p' "$work/simulate.out" | tail -1)"
echo
echo "simulator (exit $sim_status):"
grep -E '^(actions|errors|duration|req/s|latency):' "$work/simulate.out" | sed 's/^/  /' || true
echo "first simulator error lines:"
grep -vE '^(actions|errors|duration|req/s|latency):' "$work/simulate.out" | head -10 | sed 's/^/  /' || true
echo "probe: $probe_failures of $probe_total /healthz requests through the balancer failed"
[[ "$restarts_done_during_replay" == true ]] ||
  echo "note: the replay finished during the last restart; raise ACTIONS for a stricter run"

if [[ "$sim_status" != 0 || "${sim_errors:-x}" != 0 || "$probe_failures" != 0 ]]; then
  echo "RESULT: errors during rolling restarts (simulator errors: ${sim_errors:-unknown}, probe failures: $probe_failures)"
  exit 1
fi
echo "RESULT: no errors during rolling restarts"
