#!/usr/bin/env bash
# The project's one entry point for a fresh machine: creates (or reuses) .venv, installs
# what is missing, then runs the default experiment or the test suite.
#   bash lab.sh train [hydra overrides...]
#   bash lab.sh test  [pytest args...]
set -euo pipefail
cd "$(dirname "$0")"

venv=.venv
stamp="$venv/.installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"

if [ ! -x "$venv/bin/python" ]; then
    echo "lab.sh: creating $venv" >&2
    python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "lab.sh: installing dependencies into $venv (about a minute)" >&2
    # The constraints file pins torch to the CPU build; pyproject keeps the range.
    "$venv/bin/pip" install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
    echo "$want" > "$stamp"
fi

command="${1:-train}"
shift || true
case "$command" in
    train) exec "$venv/bin/python" train.py "$@" ;;
    test) exec "$venv/bin/python" -m pytest "$@" ;;
    *) echo "lab.sh: unknown command '$command' (allowed: train, test)" >&2; exit 2 ;;
esac
