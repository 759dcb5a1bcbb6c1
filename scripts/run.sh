#!/usr/bin/env bash
# Install fengong and build the bundled Guangxi plan into out/ (graph files, views, index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
# Console scripts (fengong, oxigraph) land in the interpreter's scripts directory, which a
# version manager such as pyenv may not have on PATH until it rehashes.
export PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
python3 -m pip install --quiet --disable-pip-version-check .
fengong build -o out
echo "done: open out/index.html in a browser" >&2
