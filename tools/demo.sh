#!/usr/bin/env bash
# kling-cpp's main job: builds the examples and runs the quick start against
# the gateway named by KLING_BASE_URL with KLING_API_KEY. Installs what is
# missing on a Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
require_packages "${KLING_BUILD_PACKAGES[@]}"

cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DKLING_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j "$(nproc)" --target quickstart
exec build/demo/examples/quickstart "$@"
