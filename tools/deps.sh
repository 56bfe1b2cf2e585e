# Sourced by the tools: installs the Debian packages a command needs when
# they are missing (apt-get update once, then apt-get install).
require_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "kling: installing missing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "kling: run as root or install sudo to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# Generates a locale (e.g. de_DE.UTF-8) when the machine lacks it.
require_locale() {
  local name=$1 normalized
  normalized=$(echo "$name" | tr '[:upper:]' '[:lower:]' | sed 's/utf-8/utf8/')
  locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | grep -qx "$normalized" && return 0
  echo "kling: generating the locale $name" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo localedef -i "${name%%.*}" -f "${name#*.}" "$name"
}

# What building the library and its tools needs.
KLING_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config python3 nlohmann-json3-dev libcpp-httplib-dev libssl-dev)
# What the test suite needs on top. emscripten brings nodejs and ships its
# system libraries (libc++...) prebuilt, so nothing is compiled into its cache.
# libclang-rt-dev holds Clang's sanitizer and libFuzzer runtimes, which clang
# only recommends (and recommends are not installed here).
KLING_TEST_PACKAGES=(clang libclang-rt-dev catch2 meson locales emscripten libcurl4-openssl-dev git)
# What bench/run needs on top of the build: Clang for its compile rows, node
# and npm for the comparison with the openai npm SDK.
KLING_BENCH_PACKAGES=(clang nodejs npm)
# What the Windows step needs: mingw-w64, Wine, and dpkg-source to unpack
# Debian's cpp-httplib source (see tools/test_windows.sh).
KLING_WINDOWS_PACKAGES=(g++-mingw-w64-x86-64-posix wine wine64 dpkg-dev)
