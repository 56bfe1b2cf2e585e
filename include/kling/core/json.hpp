// JSON without exceptions: parsing that returns result<json>, serialization
// that cannot throw on bad UTF-8, member lookup that never asserts, and JSON
// pointers for naming fields in errors. Everything in the library that touches
// nlohmann::json goes through these, so JSON_NOEXCEPTION builds are safe.
//
// Thread safety: pure functions.
#ifndef KLING_CORE_JSON_HPP
#define KLING_CORE_JSON_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

using json = nlohmann::json;

// Deeper nesting than this is refused: copying or comparing a json value
// recurses once per level, and hostile input must not exhaust the stack (an
// engine's thread may have only a megabyte). No answer of the gateway comes close.
inline constexpr std::size_t max_json_depth = 128;

// Parses text; an error of kind parse that says where and why.
KLING_FUNCTION_OBJECT parse_json_function { result<json> operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(parse_json) parse_json{};

// Serializes without ever throwing: bytes that are not UTF-8 become U+FFFD.
// (Also for nlohmann::ordered_json, which keeps members in insertion order.)
template <class BasicJson = json>
std::string dump_json(const BasicJson &value, int indent = -1) {
  return value.dump(indent, ' ', false, BasicJson::error_handler_t::replace);
}

// The member `key` of `object`, or nullptr when object is not an object or
// has no such member. (operator[] on a const json asserts; at() throws.)
KLING_FUNCTION_OBJECT find_member_function {
  const json *operator()(const json &object, std::string_view key) const;
};
inline constexpr KLING_FUNCTION_TYPE(find_member) find_member{};

// JSON pointers (RFC 6901) name fields in violations and parse errors: the
// pointer of parent's member key ("~" and "/" escaped) or of its item index.
KLING_FUNCTION_OBJECT pointer_child_function {
  std::string operator()(std::string_view parent, std::string_view key) const;
  std::string operator()(std::string_view parent, std::size_t index) const;
};
inline constexpr KLING_FUNCTION_TYPE(pointer_child) pointer_child{};

// A JSON pointer kept as steps on the stack, each naming its parent, and
// made into text only when something is reported there: walks over a whole
// request build no strings for the members that are fine.
//   lazy_pointer root;                        // ""
//   lazy_pointer list{&root, "voice_list"};   // "/voice_list"
//   lazy_pointer first{&list, 0};             // "/voice_list/0"
struct lazy_pointer {
  const lazy_pointer *parent = nullptr;
  std::string_view key{};
  std::size_t index = 0;
  bool is_index = false;

  lazy_pointer() = default;
  lazy_pointer(const lazy_pointer *p, std::string_view k) : parent(p), key(k) {}
  lazy_pointer(const lazy_pointer *p, std::size_t i) : parent(p), index(i), is_index(true) {}

  KLING_LAZY std::string str() const;
};

KLING_NAMESPACE_END

#endif // KLING_CORE_JSON_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_JSON_IPP)
#define KLING_CORE_JSON_IPP

KLING_NAMESPACE_BEGIN

namespace json_detail {

// A SAX handler that accepts everything and remembers where parsing failed;
// used only to explain a failure, after the fast parse said "discarded".
struct error_locator : nlohmann::json_sax<json> {
  std::size_t position = 0;
  std::string reason;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string &, const nlohmann::detail::exception &ex) override {
    position = pos;
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    const std::string what = ex.what();
    const auto tag_end = what.find("] ");
    reason = tag_end == std::string::npos ? what : what.substr(tag_end + 2);
    return false;
  }
};

// How many '[' and '{' text holds, strings included.
KLING_LAZY std::size_t opening_brackets(std::string_view text) {
  std::size_t count = 0;
  for (char c : text)
    count += static_cast<std::size_t>(c == '[' || c == '{');
  return count;
}

// The deepest nesting of arrays and objects in text, counted outside strings.
KLING_LAZY std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = ++depth > deepest ? depth : deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

} // namespace json_detail

KLING_LAZY_DEF result<json> KLING_FUNCTION(parse_json)::operator()(std::string_view text) const {
  // The depth is at most the number of brackets that open, which is cheaper
  // to count: strings are followed only when that number is over the limit.
  if (json_detail::opening_brackets(text) > max_json_depth &&
      json_detail::nesting_depth(text) > max_json_depth) {
    return error{errc::parse, "JSON nested deeper than " + std::to_string(max_json_depth) + " levels"};
  }
  // nlohmann's lexer takes a NUL byte for the end of the input, so "2\0junk"
  // would parse as 2; JSON text never holds a raw NUL, so it is refused here.
  const std::size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    return error{errc::parse, "not valid JSON (a NUL byte at offset " + std::to_string(nul) +
                                  "; JSON text never contains one)"};
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!value.is_discarded()) return value;
  json_detail::error_locator locator;
  json::sax_parse(text.begin(), text.end(), &locator);
  std::string message = "not valid JSON";
  if (!locator.reason.empty()) message += " (" + locator.reason + ")";
  return error{errc::parse, std::move(message)};
}

KLING_LAZY_DEF const json *KLING_FUNCTION(find_member)::operator()(const json &object,
                                                                   std::string_view key) const {
  if (!object.is_object()) return nullptr;
#if NLOHMANN_JSON_VERSION_MAJOR > 3 || (NLOHMANN_JSON_VERSION_MAJOR == 3 && NLOHMANN_JSON_VERSION_MINOR >= 11)
  const auto it = object.find(key); // 3.11 compares keys transparently: no std::string built per lookup
#else
  const auto it = object.find(std::string(key));
#endif
  return it == object.end() ? nullptr : &*it;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(pointer_child)::operator()(std::string_view parent,
                                                                     std::string_view key) const {
  std::string out(parent);
  out += '/';
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(pointer_child)::operator()(std::string_view parent,
                                                                     std::size_t index) const {
  return std::string(parent) + '/' + std::to_string(index);
}

KLING_LAZY_DEF std::string lazy_pointer::str() const {
  if (!parent) return std::string(); // the root
  const std::string above = parent->str();
  return is_index ? pointer_child(above, index) : pointer_child(above, key);
}

KLING_NAMESPACE_END

#endif // KLING_CORE_JSON_IPP
