#!/usr/bin/env bash
# Debian packages the tests need: Chromium and a CJK font for the browser tests (labels are
# drawn on a canvas), Virtuoso's server for the tests that push to and query a real one, and
# Apache Jena (Fuseki's query engine and store) with a JDK (its runner is a Java source file) for
# tests/test_jena.py.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v virtuoso-t >/dev/null 2>&1 \
   && command -v javac >/dev/null 2>&1 && [ -f /usr/share/java/jena-arq.jar ] \
   && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei fontconfig \
  virtuoso-opensource-7-bin libapache-jena-java default-jdk-headless >/dev/null
