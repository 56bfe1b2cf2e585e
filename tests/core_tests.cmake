# The tests that need only the core: CMake's native suites (tests/CMakeLists.txt)
# and the WebAssembly suite (tests/wasm/) build this one list, so a new core
# test runs on every target. Paths are relative to tests/.
set(KLING_CORE_TESTS
  unit/core_test.cpp
  unit/crypto_test.cpp
  unit/client_test.cpp
  unit/media_test.cpp
  unit/rules_test.cpp
  unit/lifecycle_test.cpp
  unit/cassette_test.cpp
  unit/async_test.cpp
  unit/platform_test.cpp
  unit/hostile_test.cpp)
