// Shared pieces of the typed requests: how optional fields and enumerations
// are written into the JSON body, and how `extra` joins it. Every typed
// struct that becomes a JSON object, the request and the objects inside it
// (a voice, a motion brush group, a reference video...), carries an `extra`
// and joins it the same way. Bodies are built member by member
// (j["key"] = value): a json{{"key", value}} list builds a temporary
// [key, value] array per member and then moves it into the object.
//
// Thread safety: pure functions.
#ifndef KLING_MODEL_REQUEST_SUPPORT_HPP
#define KLING_MODEL_REQUEST_SUPPORT_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kling/core/json.hpp"
#include "kling/model/enums.hpp"

KLING_NAMESPACE_BEGIN

namespace request_support {

// j's type depends on T (deferred_t) so that what these do with a json is
// checked where a request's to_json uses them, not in every file that
// includes a model header.
template <class T>
void put(lazy_detail::deferred_t<json, T> &j, const char *key, const std::optional<T> &value) {
  if (value) j[key] = *value;
}

template <class Enum>
void put_word(lazy_detail::deferred_t<json, Enum> &j, const char *key, const std::optional<Enum> &value) {
  if (value) j[key] = std::string(to_string(*value));
}

// Binary switches the gateway spells as words: sound on/off, keep_original_sound yes/no.
KLING_LAZY void put_switch(json &j, const char *key, const std::optional<bool> &value, const char *yes,
                           const char *no);

// seconds is sent as a string (C-5).
KLING_LAZY void put_seconds(json &j, const std::optional<int> &seconds);

// Fields of `extra` are sent as they are (C-8); a field that is also a typed
// member replaces it. A non-object extra is reported by validation (C-8,
// through visit_extras).
KLING_LAZY void merge_extra(json &j, const json &extra);

} // namespace request_support

// visit_extras(value, at, f) calls f(pointer, extra) for the `extra` of a
// typed struct and of every typed struct inside it, with the JSON pointer of
// that member as it would be written ("/extra", "/voice_list/0/extra"; a
// lazy_pointer: pointer.str() is the text, made only when needed), so
// validation reaches every level the same way. A struct with nothing typed
// inside is handled here; one with typed members declares an overload next
// to its definition that visits them.
template <class T, class F>
auto visit_extras(const T &value, const lazy_pointer &at, F &&f) -> decltype(void(value.extra)) {
  f(lazy_pointer(&at, "extra"), value.extra);
}

template <class T, class F>
void visit_extras(const std::optional<T> &value, const lazy_pointer &at, F &&f) {
  if (value) visit_extras(*value, at, f);
}

template <class T, class F>
void visit_extras(const std::vector<T> &values, const lazy_pointer &at, F &&f) {
  for (std::size_t i = 0; i < values.size(); ++i)
    visit_extras(values[i], lazy_pointer(&at, i), f);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_REQUEST_SUPPORT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_REQUEST_SUPPORT_IPP)
#define KLING_MODEL_REQUEST_SUPPORT_IPP

KLING_NAMESPACE_BEGIN

namespace request_support {

KLING_LAZY_DEF void put_switch(json &j, const char *key, const std::optional<bool> &value, const char *yes,
                               const char *no) {
  if (value) j[key] = *value ? yes : no;
}

KLING_LAZY_DEF void put_seconds(json &j, const std::optional<int> &seconds) {
  if (seconds) j["seconds"] = std::to_string(*seconds);
}

KLING_LAZY_DEF void merge_extra(json &j, const json &extra) {
  if (!extra.is_object()) return;
  for (auto it = extra.begin(); it != extra.end(); ++it)
    j[it.key()] = it.value();
}

} // namespace request_support

KLING_NAMESPACE_END

#endif // KLING_MODEL_REQUEST_SUPPORT_IPP
