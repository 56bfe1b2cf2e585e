#!/usr/bin/env bash
# Builds the core suite and the fetch transport example with Emscripten
# (tests/wasm/) and runs them under node.
#
#   tools/test_wasm.sh [BUILD_DIR] [KLING_TOOL]
#
# KLING_TOOL, a natively built kling, serves the fake gateway for the fetch
# transport's test (without it that test is skipped). Emscripten keeps its
# system libraries in its own cache: Debian's package ships them prebuilt; an
# emsdk builds each once per machine, on first use. Needs no HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/test-wasm}
kling=${2:-}
[ -n "$kling" ] && kling=$(realpath "$kling")
jobs=$(nproc)

# Emscripten's JavaScript tools need acorn. Debian installs it as node-acorn
# in /usr/share/nodejs, which Debian's node searches and other builds of node
# (nodesource's) do not.
if [ -d /usr/share/nodejs ]; then export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"; fi

emcmake cmake -S tests/wasm -B "$build" -G Ninja -DKLING_SERVE="$kling"
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
