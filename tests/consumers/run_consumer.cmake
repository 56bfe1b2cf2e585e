# Runs one consumer proof (cmake -P). Variables: MODE, SOURCE_DIR, BUILD_DIR,
# WORK_DIR, PREFIX, CXX, GENERATOR, JSON_INCLUDE_DIR.
cmake_minimum_required(VERSION 3.16)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "consumer ${MODE}: failed (${rc}): ${shown}")
  endif()
endfunction()

set(consumers "${SOURCE_DIR}/tests/consumers")
set(project_dir "${WORK_DIR}/${MODE}")

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}")
  return()
endif()

# A fresh copy of the consumer project with its main.cpp.
file(REMOVE_RECURSE "${project_dir}")
file(MAKE_DIRECTORY "${project_dir}")
file(COPY "${consumers}/main.cpp" DESTINATION "${project_dir}")
set(program "${project_dir}/build/consumer")

if(MODE STREQUAL "find_package" OR MODE STREQUAL "add_subdirectory")
  file(COPY "${consumers}/${MODE}/CMakeLists.txt" DESTINATION "${project_dir}")
  run(${CMAKE_COMMAND} -S "${project_dir}" -B "${project_dir}/build" -G "${GENERATOR}"
      -DCMAKE_CXX_COMPILER=${CXX}
      -DCMAKE_PREFIX_PATH=${PREFIX}
      -DKLING_SOURCE_DIR=${SOURCE_DIR})
  run(${CMAKE_COMMAND} --build "${project_dir}/build")
elseif(MODE STREQUAL "fetch_content" OR MODE STREQUAL "fetch_content_json_first")
  # FetchContent clones the repository at its HEAD commit: what is committed
  # is what a user would fetch (changes not yet committed are not seen).
  find_package(Git REQUIRED)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse HEAD
                  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer ${MODE}: ${SOURCE_DIR} is not a git checkout; FetchContent needs one")
  endif()
  set(extra "")
  if(MODE STREQUAL "fetch_content_json_first")
    # A stand-in for github.com/nlohmann/json, made here without a network:
    # Debian's headers behind upstream's target names, in a git repository of
    # its own. It proves the CMake wiring (kling-cpp takes the parent's
    # target), not anything about upstream's own CMakeLists.
    set(json_repo "${WORK_DIR}/nlohmann_json_repo")
    file(REMOVE_RECURSE "${json_repo}")
    file(COPY "${JSON_INCLUDE_DIR}/nlohmann" DESTINATION "${json_repo}/include")
    file(WRITE "${json_repo}/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.16)
project(nlohmann_json LANGUAGES CXX)
add_library(nlohmann_json INTERFACE)
add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
target_include_directories(nlohmann_json INTERFACE "${CMAKE_CURRENT_SOURCE_DIR}/include")
target_compile_definitions(nlohmann_json INTERFACE KLING_CONSUMER_FETCHED_JSON)
]=])
    set(git "${GIT_EXECUTABLE}" -C "${json_repo}" -c user.name=kling-test -c user.email=kling-test@localhost)
    run(${git} -c init.defaultBranch=main init -q)
    run(${git} add -A)
    run(${git} commit -q -m "nlohmann_json stand-in")
    set(extra "-DJSON_GIT_URL=file://${json_repo}")
    file(COPY "${consumers}/${MODE}/fetched_json_is_used.cpp" DESTINATION "${project_dir}")
  endif()
  file(COPY "${consumers}/${MODE}/CMakeLists.txt" DESTINATION "${project_dir}")
  run(${CMAKE_COMMAND} -S "${project_dir}" -B "${project_dir}/build" -G "${GENERATOR}"
      -DCMAKE_CXX_COMPILER=${CXX} "-DKLING_GIT_URL=file://${SOURCE_DIR}" -DKLING_GIT_TAG=${head} ${extra}
      -DFETCHCONTENT_BASE_DIR=${project_dir}/deps)
  run(${CMAKE_COMMAND} --build "${project_dir}/build")
elseif(MODE STREQUAL "pkg_config")
  # Only the installed .pc files; the same compiler command a Makefile would use.
  set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")
  execute_process(COMMAND pkg-config --cflags --libs kling-httplib
                  OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer pkg_config: pkg-config cannot resolve kling-httplib")
  endif()
  if(NOT flags MATCHES "-I${PREFIX}/")
    message(FATAL_ERROR "consumer pkg_config: kling-httplib.pc does not point into the prefix: ${flags}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  file(MAKE_DIRECTORY "${project_dir}/build")
  run(${CXX} -std=c++17 "${project_dir}/main.cpp" -o "${program}" ${flags})
elseif(MODE STREQUAL "meson_subproject")
  file(COPY "${consumers}/meson_subproject/meson.build" DESTINATION "${project_dir}")
  file(MAKE_DIRECTORY "${project_dir}/subprojects")
  file(CREATE_LINK "${SOURCE_DIR}" "${project_dir}/subprojects/kling" SYMBOLIC)
  set(ENV{CXX} "${CXX}")
  run(meson setup "${project_dir}/build" "${project_dir}")
  run(meson compile -C "${project_dir}/build")
else()
  message(FATAL_ERROR "unknown consumer mode ${MODE}")
endif()

run("${program}")
# Where the project also builds the separately compiled edition, run it too.
if(EXISTS "${program}_compiled")
  run("${program}_compiled")
endif()
