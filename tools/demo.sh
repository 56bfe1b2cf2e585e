#!/usr/bin/env bash
# kling-cpp's main job: builds the kling tool and runs `kling demo`, the
# offline tour (validate, create, wait, download) against a fake gateway in
# the same process; with KLING_API_KEY and KLING_BASE_URL set, against that
# gateway instead. Installs what is missing on a Debian machine. Arguments
# are passed to `kling demo` (see `kling demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
require_packages "${KLING_BUILD_PACKAGES[@]}"

cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DKLING_BUILD_TESTS=OFF -DKLING_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/demo --target kling_cli >&2 # stdout carries only the paths of the videos
exec build/demo/examples/kling demo --out build/demo/videos "$@"
