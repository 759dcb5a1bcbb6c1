#!/usr/bin/env bash
# Install fengong with its test dependencies (pip, Debian's Chromium, a CJK font, Virtuoso and Jena, the Oxigraph
# server from PyPI) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Console scripts (fengong, oxigraph) land in the interpreter's scripts directory, which a
# version manager such as pyenv may not have on PATH until it rehashes.
export PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
bash scripts/install-system.sh
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
export FENGONG_REQUIRE_BROWSER="${FENGONG_REQUIRE_BROWSER:-1}"
python3 -m pytest -q -p no:cacheprovider "$@"
