#!/usr/bin/env bash
# kling-cpp on Windows, from Linux: builds the core test suite (with and without
# exceptions) and the kling tool with mingw-w64 and runs them under Wine, then
# a Windows kling creates, waits for and downloads a task, onto a file that is
# already there, from a fake gateway (`kling serve`) running natively.
#
#   tools/test_windows.sh NATIVE_KLING     (tools/test.sh passes its GCC build's)
#
# cpp-httplib for Windows: Debian's libcpp-httplib-dev holds only declarations
# (the implementation is in its Linux library), so the Windows kling is built
# against Debian's own source package of the same version, fetched here with
# apt into build/ (its header is complete), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
native_kling=$(realpath "${1:?usage: tools/test_windows.sh NATIVE_KLING}")
out=build/windows
cxx=x86_64-w64-mingw32-g++-posix
mkdir -p "$out/include"

# The cross compiler must not see the host's headers, only the two header-only
# libraries the library and the tests use.
header_dir() { # header_dir DIR/HEADER: the include directory that holds it
  local d
  for d in "$(pkg-config --variable=includedir nlohmann_json 2>/dev/null)" /usr/include /usr/local/include; do
    [ -n "$d" ] && [ -f "$d/$1" ] && echo "$d/$(dirname "$1")" && return 0
  done
  echo "kling: $1 not found" >&2
  return 1
}
nlohmann_dir=$(header_dir nlohmann/json.hpp)
catch2_dir=$(header_dir catch2/catch.hpp)
ln -sfn "$nlohmann_dir" "$out/include/nlohmann"
ln -sfn "$catch2_dir" "$out/include/catch2"

# Debian's cpp-httplib source, the version the native build uses, with Debian's patches.
httplib_version=$(dpkg-query -W -f='${source:Version}' libcpp-httplib-dev)
if [ ! -f "$out/httplib/$httplib_version/httplib.h" ]; then
  apt_dir="$PWD/$out/apt"
  mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/source"
  : >"$apt_dir/empty.list"
  # The machine's own Debian sources, as source archives, in a private index.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -n '/^Types:/s/.*/Types: deb-src/;p' "$f" >"$apt_dir/parts/$(basename "$f")"
  done
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >"$apt_dir/empty.list" || true
  fi
  apt_private=(-o Dir::Etc::SourceList="$apt_dir/empty.list" -o Dir::Etc::SourceParts="$apt_dir/parts"
    -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" -o APT::Sandbox::User=root)
  # A third-party repository without sources must not stop this; a missing
  # cpp-httplib source fails at apt-get source, saying so.
  apt-get "${apt_private[@]}" -qq update || echo "kling: some source indexes could not be fetched" >&2
  (cd "$apt_dir/source" && apt-get "${apt_private[@]}" -qq source "cpp-httplib=$httplib_version" >/dev/null)
  mkdir -p "$out/httplib/$httplib_version"
  cp "$(find "$apt_dir/source" -maxdepth 2 -name httplib.h | head -1)" "$out/httplib/$httplib_version/httplib.h"
fi

# The core suites are one unity translation unit each, from the list every
# target builds (tests/core_tests.cmake).
core_tests=$(sed -n '/^set(KLING_CORE_TESTS/,/)/p' tests/core_tests.cmake | grep -o 'unit/[a-z_]*\.cpp' || true)
[ -n "$core_tests" ] || { echo "kling: no core tests listed in tests/core_tests.cmake" >&2; exit 1; }
: >"$out/core_tests.cpp.new"
for t in $core_tests; do echo "#include \"$PWD/tests/$t\"" >>"$out/core_tests.cpp.new"; done
cmp -s "$out/core_tests.cpp.new" "$out/core_tests.cpp" || mv "$out/core_tests.cpp.new" "$out/core_tests.cpp"

# -O1 compiles faster than -O0 here and keeps the unity object within COFF's
# section limit; -mbig-obj lifts that limit as the suite grows.
# shellcheck disable=SC2054 # -Wa,-mbig-obj is one argument
flags=(-std=c++17 -O1 -Wa,-mbig-obj -Wall -Wextra -Wpedantic -Werror -Iinclude -I"$out/include" -static
  -DKLING_TEST_FIXTURES="\"$PWD/tests/fixtures\"" -DKLING_TEST_HTTPLIB_CFLAGS='""')
no_exceptions=(-fno-exceptions -fno-rtti -DCATCH_CONFIG_DISABLE_EXCEPTIONS)
build() { # build OUTPUT "SOURCE DIRS" ARGS...: compiles unless OUTPUT is newer than its sources
  local output=$1 sources=$2
  shift 2
  # shellcheck disable=SC2086 # the directories are words
  if [ -f "$output" ] && [ -z "$(find $sources -newer "$output" | head -1)" ]; then
    return 0
  fi
  echo "kling: building $output"
  "$cxx" "${flags[@]}" "$@" -o "$output"
}
started=$SECONDS
build "$out/kling_tests.exe" "include tests $out/core_tests.cpp" "$out/core_tests.cpp" tests/support/catch_main.cpp &
with_exceptions=$!
build "$out/kling_tests_no_exceptions.exe" "include tests $out/core_tests.cpp" "${no_exceptions[@]}" \
  "$out/core_tests.cpp" tests/support/catch_main.cpp &
without_exceptions=$!
wait $with_exceptions
wait $without_exceptions
build "$out/kling.exe" "include examples/cli" -I"$out/httplib/$httplib_version" examples/cli/main.cpp -lws2_32
echo "kling: Windows builds took $((SECONDS - started)) s"
started=$SECONDS

# Wine, in a prefix of its own, headless.
export WINEPREFIX="$PWD/$out/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
wine=$(command -v wine64 || command -v wine)
[ -f "$WINEPREFIX/system.reg" ] || "$wine" wineboot --init
"$wine" "$out/kling_tests.exe"
KLING_TEST_LOCALE=German_Germany.1252 "$wine" "$out/kling_tests.exe" "[platform]"
"$wine" "$out/kling_tests_no_exceptions.exe"

# End to end: the Windows kling against the native fake gateway.
smoke="$PWD/$out/smoke"
rm -rf "$smoke" && mkdir -p "$smoke"
"$native_kling" serve --api-key test-key --port 0 --processing-seconds 1 >"$smoke/url" 2>"$smoke/serve.log" &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$smoke/url" ] && break; sleep 0.1; done
url=$(head -1 "$smoke/url")
[ -n "$url" ] || { cat "$smoke/serve.log" >&2; exit 1; }
echo 'an older video, to be replaced' >"$smoke/cat.mp4"
echo '{"model":"Kling-V2.6","prompt":"a cat in a sunny garden","seconds":"5"}' >"$smoke/request.json"
(cd "$smoke" && "$wine" "$PWD/../kling.exe" --base-url "$url" --api-key test-key --poll-interval 1 \
  create request.json --wait --download cat.mp4 >task.json)
grep -q '"status": "completed"' "$smoke/task.json" || { cat "$smoke/task.json" >&2; exit 1; }
[ "$(head -c 8 "$smoke/cat.mp4" | tail -c 4)" = ftyp ] || { echo "kling: cat.mp4 is not the video" >&2; exit 1; }
[ ! -e "$smoke/cat.mp4.part" ] || { echo "kling: cat.mp4.part was left behind" >&2; exit 1; }
echo "kling: Wine runs and the smoke took $((SECONDS - started)) s"
echo "kling: Windows build passed its suites and downloaded $(wc -c <"$smoke/cat.mp4") bytes over an existing file"
