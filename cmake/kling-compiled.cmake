# kling_add_compiled(<source>): the static library kling_compiled (alias
# kling::compiled) for separate compilation. Its users compile with
# KLING_SEPARATE_COMPILATION, so kling-cpp's headers hold declarations and
# templates only; <source> (a file that includes <kling/src.hpp>) holds the
# definitions and the cpp-httplib transport. cpp-httplib's layout-changing
# flags are private to this library: users' files include no <httplib.h>.
# Shared by the build tree and the installed package config.
include_guard(GLOBAL)

function(kling_add_compiled source)
  if(TARGET kling_compiled)
    return()
  endif()
  # Built only when a target links it.
  add_library(kling_compiled STATIC EXCLUDE_FROM_ALL "${source}")
  add_library(kling::compiled ALIAS kling_compiled)
  target_compile_definitions(kling_compiled PUBLIC KLING_SEPARATE_COMPILATION)
  target_compile_features(kling_compiled PUBLIC cxx_std_17)
  target_link_libraries(kling_compiled PUBLIC kling::kling)
  if(TARGET kling_cpp_httplib)
    # PRIVATE: the flags reach this one file; the library itself is still
    # linked into the program (CMake carries it as link-only).
    target_link_libraries(kling_compiled PRIVATE kling_cpp_httplib)
  else()
    target_compile_definitions(kling_compiled PRIVATE KLING_SRC_WITHOUT_HTTPLIB)
  endif()
  set_target_properties(kling_compiled PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
