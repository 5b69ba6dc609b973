#!/usr/bin/env bash
# The providers' own official SDKs against `paylinks sandbox`: create, fetch, list, cancel, a
# second cancel and a wrong key, each answer checked as the SDK's user reads it
# (scripts/official_sdks.py says what is driven and what is not).
#
#   scripts/official-sdks.sh
#
# Installs what it needs itself: a Python venv under target/official-sdks/ with the pinned
# versions of scripts/official-sdks.requirements.txt (reinstalled when that file changes), and
# builds the `paylinks` binary. Needs python3 (with venv) and PyPI; runs in seconds once
# installed. CI runs it (.ci/run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

target=$(cargo metadata --format-version 1 --no-deps --locked \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
venv="$target/official-sdks/venv"
requirements="$root/scripts/official-sdks.requirements.txt"
stamp="$venv/requirements.txt"

if ! cmp -s "$requirements" "$stamp" || [ ! -x "$venv/bin/python" ]; then
    echo "installing the official SDKs (scripts/official-sdks.requirements.txt) into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
    cp "$requirements" "$stamp"
fi

# The workspace's feature set, as `cargo test --workspace` builds the binary: in CI, no rebuild.
cargo build --quiet --locked --workspace --bin paylinks
exec "$venv/bin/python" "$root/scripts/official_sdks.py" "$target/debug/paylinks"
