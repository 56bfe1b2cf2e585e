// Shared pieces of the typed requests: how optional fields and enumerations
// are written into the JSON body, and how `extra` joins it.
//
// Thread safety: pure functions.
#ifndef KLING_MODEL_REQUEST_SUPPORT_HPP
#define KLING_MODEL_REQUEST_SUPPORT_HPP

#include <optional>
#include <string>
#include <string_view>

#include "kling/core/json.hpp"
#include "kling/model/enums.hpp"

KLING_NAMESPACE_BEGIN

namespace request_detail {

template <class T>
void put(json &j, const char *key, const std::optional<T> &value) {
  if (value) j[key] = *value;
}

template <class Enum>
void put_word(json &j, const char *key, const std::optional<Enum> &value) {
  if (value) j[key] = std::string(to_string(*value));
}

// Binary switches the gateway spells as words: sound on/off, keep_original_sound yes/no.
inline void put_switch(json &j, const char *key, const std::optional<bool> &value, const char *yes,
                       const char *no) {
  if (value) j[key] = *value ? yes : no;
}

// seconds is sent as a string (C-5).
inline void put_seconds(json &j, const std::optional<int> &seconds) {
  if (seconds) j["seconds"] = std::to_string(*seconds);
}

// Fields of `extra` are sent as they are (C-8); a field that is also a typed
// member replaces it. A non-object extra is reported by validation (C-8).
inline void merge_extra(json &j, const json &extra) {
  if (!extra.is_object()) return;
  for (auto it = extra.begin(); it != extra.end(); ++it)
    j[it.key()] = it.value();
}

} // namespace request_detail

KLING_NAMESPACE_END

#endif // KLING_MODEL_REQUEST_SUPPORT_HPP
