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

# What building the library and its tools needs.
KLING_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config python3 nlohmann-json3-dev libcpp-httplib-dev libssl-dev)
# What the test suite needs on top.
KLING_TEST_PACKAGES=(clang catch2 meson libcurl4-openssl-dev git)
