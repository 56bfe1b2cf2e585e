#!/usr/bin/env bash
# Runs kling-cpp's whole test suite on a Debian machine, installing what is
# missing: the single-header freshness check; GCC and Clang builds with
# -Wall -Wextra -Wpedantic -Werror and their CTest suites (unit tests against
# include/ header-only (GCC) and separately compiled (Clang), and every test file
# checked header-only by Clang (-fsyntax-only), against
# single_include/ separately compiled, and without exceptions; the libcurl transports;
# header self-containment; consumer projects, FetchContent included; the suite
# once more under a comma-decimal locale); the core suites and the kling tool
# built for Windows and run under Wine; the core suite and the fetch transport
# built with Emscripten and run under node; the libFuzzer harnesses, briefly
# (fuzz/run); and the meson build with its tests (separately compiled).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
require_packages "${KLING_BUILD_PACKAGES[@]}" "${KLING_TEST_PACKAGES[@]}" "${KLING_WINDOWS_PACKAGES[@]}"
require_locale de_DE.UTF-8

jobs=$(nproc)
step() { printf '\n==== %s\n' "$*"; }

step "single_include/ matches include/"
python3 tools/amalgamate.py --check

step "GCC: every suite (include/ header-only, single_include/ separately compiled), consumer projects"
cmake -S . -B build/test-gcc -G Ninja -DCMAKE_CXX_COMPILER=g++ -DKLING_WERROR=ON -DKLING_TEST_HEADERS=OFF
cmake --build build/test-gcc -j "$jobs"
ctest --test-dir build/test-gcc --output-on-failure -j "$jobs"

step "Windows: the core suites and the kling tool built with mingw-w64, run under Wine"
tools/test_windows.sh build/test-gcc/examples/kling

step "Clang with AddressSanitizer and UBSan (ThreadSanitizer for the async suite): the suites in separate compilation mode, the kling tool, every header on its own"
cmake -S . -B build/test-clang -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DKLING_WERROR=ON -DKLING_SANITIZE=ON \
  -DKLING_TEST_SEPARATE_COMPILATION=ON \
  -DKLING_TEST_SINGLE_INCLUDE=OFF -DKLING_TEST_CONSUMERS=OFF -DKLING_BUILD_EXAMPLES=OFF
cmake --build build/test-clang -j "$jobs"
ctest --test-dir build/test-clang --output-on-failure -j "$jobs"

step "Clang, header-only: every test file checked (-fsyntax-only), so Clang instantiates the library's templates in the mode the suite above does not build"
# Header-only, every library function is a template (KLING_LAZY, or a
# function object's call operator), and Clang holds templates to rules GCC
# lets pass; -fsyntax-only instantiates all the
# templates the file uses, without the cost of compiling the suite again.
ls tests/unit/*.cpp tests/e2e/*.cpp tests/transports/*.cpp | xargs -P "$jobs" -I{} \
  clang++ -std=c++17 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -Iinclude -Iexamples \
  $(pkg-config --cflags cpp-httplib) -DKLING_TEST_FIXTURES='"unused"' -DKLING_TEST_HTTPLIB_CFLAGS='"unused"' {}

step "Emscripten (wasm32, no exceptions): the core suite under node, the fetch transport against the fake gateway"
tools/test_wasm.sh build/test-wasm build/test-gcc/examples/kling

step "libFuzzer: every harness, built without exceptions, a few seconds each on seeds from the fixtures"
fuzz/run "${KLING_FUZZ_SECONDS:-3}"

step "meson: build and tests (the examples are CMake's to build)"
if [ -d build/test-meson ]; then
  meson setup --reconfigure build/test-meson -Dwerror=true -Dunity=on -Dunity_size=4 -Dexamples=false
else
  meson setup build/test-meson -Dwerror=true -Dunity=on -Dunity_size=4 -Dexamples=false
fi
meson test -C build/test-meson --print-errorlogs

step "all tests passed"
