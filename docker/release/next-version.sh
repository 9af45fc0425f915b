#!/usr/bin/env bash
# Prints the next release version, from the conventional commits since the last vX.Y.Z tag:
# a breaking change (`feat!:`, `BREAKING CHANGE:`) bumps major, a `feat` minor, anything else patch.
# Without a tag, the history is measured from 0.0.0.
#   docker/release/next-version.sh            -> 1.5.0
set -euo pipefail

last_tag="$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null || true)"
if [[ -n "$last_tag" ]]; then
  base="${last_tag#v}"
  range="${last_tag}..HEAD"
else
  base="0.0.0"
  range="HEAD"
fi
IFS=. read -r major minor patch <<<"$base"

messages="$(git log --format='%B' "$range")"
if [[ -z "$messages" ]]; then
  echo "next-version.sh: no commits since $last_tag" >&2
  exit 1
fi

if grep -qE '^[a-zA-Z]+(\([^)]*\))?!:|^BREAKING[ -]CHANGE:' <<<"$messages"; then
  echo "$((major + 1)).0.0"
elif grep -qE '^feat(\([^)]*\))?:' <<<"$messages"; then
  echo "${major}.$((minor + 1)).0"
else
  echo "${major}.${minor}.$((patch + 1))"
fi
