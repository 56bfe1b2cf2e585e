# Finds cpp-httplib and defines the imported target kling_cpp_httplib;
# KLING_CPP_HTTPLIB_FLAGS tells which compile flags its package requires.
#
# Upstream cpp-httplib installs a CMake package (httplib::httplib) that
# carries its own compile definitions; use it when present. Debian's
# libcpp-httplib-dev ships no CMake package but a compiled library and
# cpp-httplib.pc whose Cflags hold -DCPPHTTPLIB_OPENSSL_SUPPORT and friends.
# Those flags change the layout of httplib's classes: a consumer built
# without them corrupts memory. pkg_check_modules(IMPORTED_TARGET) carries
# them as INTERFACE_COMPILE_OPTIONS, so everything that links this target
# compiles with exactly the flags the library was built with.
include_guard(GLOBAL)

if(NOT TARGET kling_cpp_httplib)
  if(NOT TARGET httplib::httplib)
    find_package(httplib CONFIG QUIET)
  endif()
  if(TARGET httplib::httplib)
    add_library(kling_cpp_httplib INTERFACE IMPORTED GLOBAL)
    target_link_libraries(kling_cpp_httplib INTERFACE httplib::httplib)
    get_target_property(KLING_CPP_HTTPLIB_FLAGS httplib::httplib INTERFACE_COMPILE_DEFINITIONS)
  else()
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
      pkg_check_modules(KLING_CPP_HTTPLIB QUIET IMPORTED_TARGET GLOBAL cpp-httplib>=0.11)
    endif()
    if(TARGET PkgConfig::KLING_CPP_HTTPLIB)
      add_library(kling_cpp_httplib INTERFACE IMPORTED GLOBAL)
      target_link_libraries(kling_cpp_httplib INTERFACE PkgConfig::KLING_CPP_HTTPLIB)
      set(KLING_CPP_HTTPLIB_FLAGS "${KLING_CPP_HTTPLIB_CFLAGS_OTHER}")
    endif()
  endif()
  if(TARGET kling_cpp_httplib)
    set(THREADS_PREFER_PTHREAD_FLAG ON)
    find_package(Threads REQUIRED)
    target_link_libraries(kling_cpp_httplib INTERFACE Threads::Threads)
  endif()
endif()
