// A user's file that includes <kling/core/result.hpp> and nlohmann/json on
// their own, returns a json as a result<json>, and only then includes the
// rest of the library: what the library says about result<json> (its
// serializer, its copy traits) must precede that first use, or the compiler
// refuses it as a specialization after instantiation.
#include <kling/core/result.hpp>
#include <nlohmann/json.hpp>

namespace plugin {
kling::result<nlohmann::json> settings(const nlohmann::json &stored) { return stored; }
} // namespace plugin

#include <kling/core.hpp>

namespace plugin {
kling::result<kling::json> parsed(std::string_view text) { return kling::parse_json(text); }
} // namespace plugin
