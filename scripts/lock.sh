#!/usr/bin/env bash
# Regenerate requirements.lock from the pins in pyproject.toml, in a clean virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - >"$tmp/requirements.txt" <<'PY'
import tomllib
data = tomllib.load(open("pyproject.toml", "rb"))
print("\n".join(data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]))
PY
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check -r "$tmp/requirements.txt"
{
  echo "# Every dependency, pinned: generated from pyproject.toml with scripts/lock.sh. make installs from this file."
  "$tmp/venv/bin/pip" freeze | sort -f
} >requirements.lock
echo "requirements.lock updated"
