#!/bin/sh
# Renders Minitwit's Alertmanager configuration from its templates, then runs the given command:
# the entrypoint of the alertmanager service (Compose and Swarm), also run by the validation script
# and the alerting system test.
#
#   render-config.sh TEMPLATE_DIR OUTPUT_DIR [COMMAND ARG...]
#
# Every alertmanager.yml and *.tmpl of TEMPLATE_DIR is written to OUTPUT_DIR with ${NAME} replaced
# by the setting NAME (not in `#` comment lines), and each `#@if FLAG` … `#@end` block kept only
# when that channel is set up.
# A missing or malformed setting stops here with a message naming it: Alertmanager never starts with
# a configuration that cannot reach anyone. Values are checked against narrow patterns because they
# land in YAML and in Go templates.
#
# Settings (environment):
#   GRAFANA_URL                  Grafana's base URL, for the dashboard links (required)
#   ALERT_CHAT_WEBHOOK_URL_FILE  file holding the chat's incoming-webhook URL (required; Alertmanager
#                                reads it itself, so the URL never enters the configuration)
#   ALERT_HEARTBEAT_URL_FILE     file holding the dead man's switch URL; absent, empty or `none`: off
#   ALERT_EMAIL_FILE             file of KEY=value lines (# comments) for e-mail; no ALERT_EMAIL_TO: off
#     ALERT_EMAIL_TO             recipient(s), comma-separated
#     ALERT_EMAIL_FROM           sender, `alerts@example.org` or `Minitwit <alerts@example.org>`
#     ALERT_SMTP_SMARTHOST       host:port of the SMTP server (465: TLS; otherwise STARTTLS)
#     ALERT_SMTP_REQUIRE_TLS     true (default) or false (a relay on a private network)
#     ALERT_SMTP_USERNAME        optional; when set, ALERT_SMTP_PASSWORD_FILE must hold the password
#   ALERT_SMTP_PASSWORD_FILE     file holding the SMTP password, without a final line break (read by
#                                Alertmanager itself, byte for byte)
# The ALERT_EMAIL_* and ALERT_SMTP_* values may also come from the environment; the file wins.
#
# POSIX sh and awk only: the Alertmanager image has nothing but busybox.
set -eu

fail() {
  echo "render-config.sh: $*" >&2
  exit 1
}

[ "$#" -ge 2 ] || fail "usage: render-config.sh TEMPLATE_DIR OUTPUT_DIR [COMMAND ARG...]"
src=$1
out=$2
shift 2

newline='
'
url_pattern='https?://[A-Za-z0-9._~:/?#@!$&()*+,;=%-]+'
address='[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+'
mailbox="($address|[A-Za-z0-9 ._-]+ <$address>)"

# Whether $1 is one line matching the extended regular expression $2 as a whole.
matches() {
  case $1 in *"$newline"*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eqx "$2"
}

# Prints the content of file $1 (trailing newlines dropped, as Alertmanager trims what it reads);
# fails naming setting $2 when the file cannot be read.
read_secret() {
  [ -r "$1" ] || fail "$2: cannot read $1"
  cat "$1"
}

require() { # NAME VALUE PATTERN WHAT
  [ -n "$2" ] || fail "$1 is not set ($4)"
  matches "$2" "$3" || fail "$1 is not $4"
}

# --- Grafana -----------------------------------------------------------------------------------------
GRAFANA_URL=${GRAFANA_URL:-}
GRAFANA_URL=${GRAFANA_URL%/}
require GRAFANA_URL "$GRAFANA_URL" "$url_pattern" "an http(s) URL, e.g. http://localhost:3001"

# --- chat (required) -----------------------------------------------------------------------------------
ALERT_CHAT_WEBHOOK_URL_FILE=${ALERT_CHAT_WEBHOOK_URL_FILE:-}
require ALERT_CHAT_WEBHOOK_URL_FILE "$ALERT_CHAT_WEBHOOK_URL_FILE" '/[A-Za-z0-9._/-]+' "an absolute file path"
chat_url=$(read_secret "$ALERT_CHAT_WEBHOOK_URL_FILE" ALERT_CHAT_WEBHOOK_URL_FILE)
matches "$chat_url" "[[:space:]]*${url_pattern}[[:space:]]*" ||
  fail "ALERT_CHAT_WEBHOOK_URL_FILE ($ALERT_CHAT_WEBHOOK_URL_FILE) must hold the chat's incoming-webhook URL (http or https)"
flags=" chat"

# --- heartbeat (optional) ------------------------------------------------------------------------------
ALERT_HEARTBEAT_URL_FILE=${ALERT_HEARTBEAT_URL_FILE:-}
heartbeat="off"
if [ -n "$ALERT_HEARTBEAT_URL_FILE" ] && [ -e "$ALERT_HEARTBEAT_URL_FILE" ]; then
  require ALERT_HEARTBEAT_URL_FILE "$ALERT_HEARTBEAT_URL_FILE" '/[A-Za-z0-9._/-]+' "an absolute file path"
  heartbeat_url=$(read_secret "$ALERT_HEARTBEAT_URL_FILE" ALERT_HEARTBEAT_URL_FILE)
  if ! matches "$heartbeat_url" '[[:space:]]*(none)?[[:space:]]*'; then
    matches "$heartbeat_url" "[[:space:]]*${url_pattern}[[:space:]]*" ||
      fail "ALERT_HEARTBEAT_URL_FILE ($ALERT_HEARTBEAT_URL_FILE) must hold the dead man's switch URL, or none"
    flags="$flags heartbeat"
    heartbeat="on"
  fi
fi

# --- e-mail (optional) ---------------------------------------------------------------------------------
ALERT_EMAIL_TO=${ALERT_EMAIL_TO:-}
ALERT_EMAIL_FROM=${ALERT_EMAIL_FROM:-}
ALERT_SMTP_SMARTHOST=${ALERT_SMTP_SMARTHOST:-}
ALERT_SMTP_USERNAME=${ALERT_SMTP_USERNAME:-}
ALERT_SMTP_REQUIRE_TLS=${ALERT_SMTP_REQUIRE_TLS:-true}
ALERT_SMTP_PASSWORD_FILE=${ALERT_SMTP_PASSWORD_FILE:-}
if [ -n "${ALERT_EMAIL_FILE:-}" ]; then
  [ -r "$ALERT_EMAIL_FILE" ] || fail "ALERT_EMAIL_FILE: cannot read $ALERT_EMAIL_FILE"
  number=0
  while IFS= read -r line || [ -n "$line" ]; do
    number=$((number + 1))
    line=$(printf '%s' "$line" | tr -d '\r')
    case $line in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    [ "$key" != "$line" ] || fail "ALERT_EMAIL_FILE line $number is not KEY=value"
    case $key in
      ALERT_EMAIL_TO) ALERT_EMAIL_TO=$value ;;
      ALERT_EMAIL_FROM) ALERT_EMAIL_FROM=$value ;;
      ALERT_SMTP_SMARTHOST) ALERT_SMTP_SMARTHOST=$value ;;
      ALERT_SMTP_USERNAME) ALERT_SMTP_USERNAME=$value ;;
      ALERT_SMTP_REQUIRE_TLS) ALERT_SMTP_REQUIRE_TLS=$value ;;
      *) fail "ALERT_EMAIL_FILE line $number: unknown setting $key (ALERT_EMAIL_TO, ALERT_EMAIL_FROM, ALERT_SMTP_SMARTHOST, ALERT_SMTP_USERNAME, ALERT_SMTP_REQUIRE_TLS)" ;;
    esac
  done <"$ALERT_EMAIL_FILE"
fi
email="off"
if [ -n "$ALERT_EMAIL_TO" ]; then
  require ALERT_EMAIL_TO "$ALERT_EMAIL_TO" "$mailbox(, *$mailbox)*" "a comma-separated list of e-mail addresses"
  require ALERT_EMAIL_FROM "$ALERT_EMAIL_FROM" "$mailbox" "an e-mail address (or Name <address>)"
  require ALERT_SMTP_SMARTHOST "$ALERT_SMTP_SMARTHOST" '[A-Za-z0-9.-]+:[0-9]+' "host:port of the SMTP server"
  require ALERT_SMTP_REQUIRE_TLS "$ALERT_SMTP_REQUIRE_TLS" 'true|false' "true or false"
  flags="$flags email"
  email="to $ALERT_EMAIL_TO via $ALERT_SMTP_SMARTHOST"
  if [ -n "$ALERT_SMTP_USERNAME" ]; then
    require ALERT_SMTP_USERNAME "$ALERT_SMTP_USERNAME" '[A-Za-z0-9._%+@-]+' "a user name without spaces or quotes"
    require ALERT_SMTP_PASSWORD_FILE "$ALERT_SMTP_PASSWORD_FILE" '/[A-Za-z0-9._/-]+' "an absolute file path"
    password=$(read_secret "$ALERT_SMTP_PASSWORD_FILE" ALERT_SMTP_PASSWORD_FILE)
    if [ -z "$password" ] || [ "$password" = "none" ]; then
      fail "ALERT_SMTP_PASSWORD_FILE ($ALERT_SMTP_PASSWORD_FILE) is empty, but ALERT_SMTP_USERNAME is set"
    fi
    # Alertmanager sends the file's bytes as they are (0.25 does; the alerting system test saw it),
    # so an `echo … | docker secret create` newline would become part of the password.
    last=$(tail -c 1 "$ALERT_SMTP_PASSWORD_FILE")
    if [ -z "$last" ]; then
      fail "ALERT_SMTP_PASSWORD_FILE ($ALERT_SMTP_PASSWORD_FILE) ends with a line break, which Alertmanager would send as part of the password: write it with printf '%s'"
    fi
    flags="$flags smtp_auth"
    email="$email as $ALERT_SMTP_USERNAME"
  fi
elif [ -n "$ALERT_EMAIL_FROM$ALERT_SMTP_SMARTHOST$ALERT_SMTP_USERNAME" ]; then
  fail "e-mail settings are given but ALERT_EMAIL_TO is not: set it, or remove the other ALERT_EMAIL_*/ALERT_SMTP_* settings"
fi

export GRAFANA_URL ALERT_CHAT_WEBHOOK_URL_FILE ALERT_HEARTBEAT_URL_FILE ALERT_EMAIL_TO ALERT_EMAIL_FROM \
  ALERT_SMTP_SMARTHOST ALERT_SMTP_USERNAME ALERT_SMTP_REQUIRE_TLS ALERT_SMTP_PASSWORD_FILE

# --- render ----------------------------------------------------------------------------------------------
render() { # TEMPLATE OUTPUT
  awk -v flags="$flags " '
    function fail(message) {
      printf "render-config.sh: %s line %d: %s\n", FILENAME, FNR, message > "/dev/stderr"
      failed = 1
      exit 1
    }
    /^[ \t]*#@if [a-z_]+[ \t]*$/ {
      flag = $2
      depth++
      skip[depth] = index(flags, " " flag " ") == 0
      next
    }
    /^[ \t]*#@end[ \t]*$/ {
      if (depth == 0) fail("#@end without #@if")
      depth--
      next
    }
    { for (i = 1; i <= depth; i++) if (skip[i]) next }
    # A YAML comment is copied as it is: it may talk about placeholders.
    /^[ \t]*#/ {
      print
      next
    }
    {
      line = $0
      result = ""
      while ((start = index(line, "${")) > 0) {
        rest = substr(line, start + 2)
        close_at = index(rest, "}")
        if (close_at == 0) fail("unclosed ${")
        name = substr(rest, 1, close_at - 1)
        if (!(name in ENVIRON)) fail("no setting " name)
        result = result substr(line, 1, start - 1) ENVIRON[name]
        line = substr(rest, close_at + 1)
      }
      print result line
    }
    END { if (!failed && depth != 0) fail("#@if without #@end") }
  ' "$1" >"$2"
}

[ -f "$src/alertmanager.yml" ] || fail "$src/alertmanager.yml does not exist"
umask 077
mkdir -p "$out"
for template in "$src/alertmanager.yml" "$src"/*.tmpl; do
  [ -f "$template" ] || continue
  render "$template" "$out/$(basename "$template")"
done
echo "render-config.sh: wrote $out/alertmanager.yml (chat: on, e-mail: $email, heartbeat: $heartbeat)" >&2

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
