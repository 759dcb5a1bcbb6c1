#!/usr/bin/env bash
# Install fengong and build the bundled Guangxi plan into out/ (graph files, views, index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check .
fengong build -o out
echo "done: open out/index.html in a browser" >&2
