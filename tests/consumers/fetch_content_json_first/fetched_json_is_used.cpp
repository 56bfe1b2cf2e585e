// Compiled with only what kling::httplib passes on: the definition comes from
// the fetched nlohmann_json target, so this proves kling-cpp linked that one.
#ifndef KLING_CONSUMER_FETCHED_JSON
#error "nlohmann_json did not come from the project's own FetchContent"
#endif
#include <nlohmann/json.hpp>

int fetched_json_marker() { return nlohmann::json::parse("[1,2]", nullptr, false).size() == 2 ? 0 : 1; }
