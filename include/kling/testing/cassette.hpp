// Cassettes: HTTP interactions recorded once against a real (or fake)
// gateway and served back in tests, with no network and no bill.
//
//   // record (secrets redacted before anything is written):
//   kling::testing::recording_transport<kling::httplib_transport> rec{kling::httplib_transport{},
//   "create.json"};
//   // replay:
//   kling::basic_client<kling::testing::replay_transport> client{opts,
//   kling::testing::replay_transport::load("create.json").value()};
//   // or either, chosen by the environment (KLING_RECORD_CASSETTES=1 records):
//   kling::testing::cassette_transport<kling::httplib_transport> tape{"create.json", [] { return
//   kling::httplib_transport{}; }};
//
// A cassette is a JSON file:
//   {"kling_cassette": 1, "interactions": [
//     {"request":  {"method", "origin", "path", "query": [[name, value]...], "headers": {...}, "body"},
//      "response": {"status", "headers": {...}, "body"}  |  {"error": {"code", "message", "request_sent"}}}]}
// Bodies that are JSON are stored as JSON (readable diffs), others as text.
// A request matches an interaction with the same method, path, query and
// body (JSON compared as values, so member order does not matter); members
// named in replay_options::ignored_body_members are left out of the
// comparison. Each interaction is served once, in recorded order among
// equals. A request that matches none is an error that names the closest
// recorded request and how it differs.
//
// Thread safety: send may be called concurrently; copies share one tape.
#ifndef KLING_TESTING_CASSETTE_HPP
#define KLING_TESTING_CASSETTE_HPP

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/core/base64.hpp"
#include "kling/core/files.hpp"
#include "kling/core/json.hpp"
#include "kling/core/json_reader.hpp"
#include "kling/core/redact.hpp"
#include "kling/core/utf8.hpp"
#include "kling/transport/requirements.hpp"
#include "kling/transport/streaming.hpp"

KLING_NAMESPACE_BEGIN

namespace testing {

namespace cassette_detail {

// Far more than any recording; a bound so a wrong path cannot exhaust memory.
constexpr std::uint64_t max_cassette_bytes = std::uint64_t{1} << 30;

// JSON bodies as JSON, text as a string, and bytes that are not UTF-8 (a
// video) as {"$base64": "..."}.
inline json body_to_json(const std::string &body) {
  if (body.empty()) return json();
  if (!utf8::is_valid(body)) return json{{"$base64", base64::encode(body)}};
  auto parsed = parse_json(body);
  return parsed && (parsed->is_object() || parsed->is_array()) ? *parsed : json(body);
}

inline std::string body_from_json(const json &body) {
  if (body.is_null()) return {};
  if (body.is_string()) return body.get<std::string>();
  if (const json *bytes = find_member(body, "$base64"); bytes && bytes->is_string() && body.size() == 1) {
    return base64::decode(bytes->get<std::string>()).value_or(std::string());
  }
  return dump_json(body);
}

inline json headers_to_json(const http_headers &headers) {
  json out = json::object();
  for (const auto &h : headers)
    out[h.first] = h.second;
  return out;
}

inline http_headers headers_from_json(const json &headers) {
  http_headers out;
  if (!headers.is_object()) return out;
  for (auto it = headers.begin(); it != headers.end(); ++it) {
    if (it.value().is_string()) out.emplace_back(it.key(), it.value().get<std::string>());
  }
  return out;
}

// Replaces every secret in every string of the value.
inline void redact_all(json &value, const std::vector<std::string> &secrets) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    for (const auto &s : secrets)
      text = redact(std::move(text), s);
    value = text;
  } else if (value.is_structured()) {
    for (auto &item : value)
      redact_all(item, secrets);
  }
}

inline std::optional<errc> errc_from_name(const std::string &name) {
  for (int i = 0; i <= static_cast<int>(errc::io); ++i) {
    if (name == to_string(static_cast<errc>(i))) return static_cast<errc>(i);
  }
  return std::nullopt;
}

// A cassette's text (name says which, in errors).
inline result<json> parse(std::string_view text, const std::string &name) {
  auto parsed = parse_json(text);
  if (!parsed) return error{errc::parse, "cassette " + name + ": " + parsed.error().message};
  const json *interactions = find_member(*parsed, "interactions");
  if (!interactions || !interactions->is_array()) {
    return error{errc::parse, "cassette " + name + ": no \"interactions\" array"};
  }
  return parsed;
}

inline result<json> read_file(const std::string &path) {
  auto text = files::read_file(path, max_cassette_bytes);
  if (!text) return error{errc::io, "cannot read cassette: " + text.error().message};
  return parse(*text, path);
}

} // namespace cassette_detail

struct record_options {
  // Texts replaced by [REDACTED] wherever they appear, besides the
  // Authorization header, which is always redacted.
  std::vector<std::string> secrets;
};

// Sends through Inner and writes every interaction to a cassette file, after
// each one (a crashed test still leaves what it recorded).
template <class Inner>
class recording_transport {
  static_assert(has_send_v<Inner>, "kling: recording_transport needs an Inner transport with send()");

public:
  recording_transport(Inner inner, std::string path, record_options options = {})
      : shared_(std::make_shared<shared>(std::move(inner), std::move(path), std::move(options))) {}

  result<http_response> send(const http_request &request) {
    // A streamed answer reaches the receivers, not the response: keep a copy on the way.
    http_request tapped = request;
    std::optional<http_response> head;
    std::string streamed;
    if (request.on_body) {
      tapped.on_head = [&](const http_response &h) {
        head = h;
        return !request.on_head || request.on_head(h);
      };
      tapped.on_body = [&](std::string_view piece) {
        streamed.append(piece);
        return request.on_body(piece);
      };
    }
    auto answer = shared_->inner.send(tapped);
    result<http_response> recorded = answer;
    if (answer && head) {
      http_response whole = *head;
      whole.body = streamed;
      recorded = whole;
    }
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->interactions.push_back(interaction(request, recorded));
    auto saved = save_locked();
    if (!saved) return std::move(saved).error();
    return answer;
  }

  Inner &inner() { return shared_->inner; }
  const std::string &path() const { return shared_->path; }

private:
  struct shared {
    shared(Inner i, std::string p, record_options o)
        : inner(std::move(i)), path(std::move(p)), options(std::move(o)) {}
    Inner inner;
    std::string path;
    record_options options;
    std::mutex mutex;
    json interactions = json::array();
  };

  json interaction(const http_request &request, const result<http_response> &answer) const {
    json query = json::array();
    for (const auto &q : request.query)
      query.push_back({q.first, q.second});
    json headers = cassette_detail::headers_to_json(request.headers);
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      if (ascii::equals_ignoring_case(it.key(), "Authorization"))
        it.value() = std::string("Bearer ") + std::string(redacted_marker);
    }
    json req{{"method", request.method}, {"origin", request.origin},
             {"path", request.path},     {"query", query},
             {"headers", headers},       {"body", cassette_detail::body_to_json(request.body)}};
    json res;
    if (answer) {
      res = json{{"status", answer->status},
                 {"headers", cassette_detail::headers_to_json(answer->headers)},
                 {"body", cassette_detail::body_to_json(answer->body)}};
    } else {
      res = json{{"error",
                  {{"code", to_string(answer.error().code)},
                   {"message", answer.error().message},
                   {"request_sent", answer.error().request_sent}}}};
    }
    json out{{"request", req}, {"response", res}};
    // The credential a request carried is a secret even when nobody named
    // it: a server that echoes it, or a later request that carries it
    // elsewhere, must not write it into the cassette (see save_locked).
    if (auto authorization = find_header(request.headers, "Authorization")) {
      const std::string_view value = *authorization;
      const auto space = value.find(' ');
      std::string token(space == std::string_view::npos ? value : value.substr(space + 1));
      auto &learned = shared_->options.secrets;
      if (std::find(learned.begin(), learned.end(), token) == learned.end())
        learned.push_back(std::move(token));
    }
    cassette_detail::redact_all(out, shared_->options.secrets);
    return out;
  }

  result<void> save_locked() const {
    json cassette{{"kling_cassette", 1},
                  {"recorded_with", "kling-cpp " KLING_VERSION_STRING},
                  {"interactions", shared_->interactions}};
    cassette_detail::redact_all(cassette, shared_->options.secrets); // those learned since, too
    auto written = files::write_file(shared_->path, dump_json(cassette, 2) + '\n');
    if (!written) return error{errc::io, "cannot write cassette: " + written.error().message};
    return {};
  }

  std::shared_ptr<shared> shared_;
};

struct replay_options {
  // Body members left out of matching: values that differ from run to run.
  std::vector<std::string> ignored_body_members;
};

// Serves a cassette's interactions back.
class replay_transport {
public:
  static result<replay_transport> load(const std::string &path, replay_options options = {}) {
    auto cassette = cassette_detail::read_file(path);
    if (!cassette) return std::move(cassette).error();
    return replay_transport(std::move((*cassette)["interactions"]), path, std::move(options));
  }
  // The same from a cassette's text (embedded in a test, or received).
  static result<replay_transport> parse(std::string_view text, std::string name,
                                        replay_options options = {}) {
    auto cassette = cassette_detail::parse(text, name);
    if (!cassette) return std::move(cassette).error();
    return replay_transport(std::move((*cassette)["interactions"]), std::move(name), std::move(options));
  }

  replay_transport(json interactions, std::string name, replay_options options = {})
      : shared_(std::make_shared<shared>()) {
    shared_->interactions = std::move(interactions);
    shared_->used.assign(shared_->interactions.size(), false);
    shared_->name = std::move(name);
    shared_->options = std::move(options);
  }

  result<http_response> send(const http_request &request) {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    const json sent = recorded_form(request);
    std::size_t best = shared_->interactions.size();
    std::string best_difference;
    int best_score = -1;
    for (std::size_t i = 0; i < shared_->interactions.size(); ++i) {
      if (shared_->used[i]) continue;
      const json *recorded = find_member(shared_->interactions[i], "request");
      if (!recorded) continue;
      std::string difference;
      const int score = similarity(*recorded, sent, difference);
      if (difference.empty()) {
        shared_->used[i] = true;
        auto answer = answer_of(shared_->interactions[i]);
        lock.unlock(); // the receivers of a streamed answer run without the lock
        return deliver_body(request, std::move(answer));
      }
      if (score > best_score) {
        best_score = score;
        best = i;
        best_difference = difference;
      }
    }
    std::string message = "replay_transport (" + shared_->name + "): no recorded interaction left for " +
                          request.method + " " + request.target();
    if (best < shared_->interactions.size()) {
      message += "; the closest is #" + std::to_string(best) + ", which differs: " + best_difference;
    } else {
      message += "; every recorded interaction has been served";
    }
    return error{errc::configuration, message};
  }

  // Interactions not yet served: a test can check it replayed the whole tape.
  std::size_t unused() const {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    std::size_t n = 0;
    for (bool u : shared_->used)
      n += !u;
    return n;
  }

private:
  struct shared {
    mutable std::mutex mutex;
    json interactions;
    std::vector<bool> used;
    std::string name;
    replay_options options;
  };

  json recorded_form(const http_request &request) const {
    json query = json::array();
    for (const auto &q : request.query)
      query.push_back({q.first, q.second});
    return json{{"method", request.method},
                {"path", request.path},
                {"query", query},
                {"body", cassette_detail::body_to_json(request.body)}};
  }

  json comparable_body(json body) const {
    if (body.is_object()) {
      for (const auto &member : shared_->options.ignored_body_members)
        body.erase(member);
    }
    return body;
  }

  // How alike two requests are (method, path, query, body, in that order of
  // weight); `difference` stays empty when they match.
  int similarity(const json &recorded, const json &sent, std::string &difference) const {
    const auto member = [](const json &j, const char *key) {
      const json *m = find_member(j, key);
      return m ? *m : json();
    };
    int score = 0;
    const auto compare = [&](const char *what, const json &a, const json &b, int weight) {
      if (a == b) {
        score += weight;
      } else if (difference.empty()) {
        difference = std::string(what) + " was " + dump_json(a) + ", now " + dump_json(b);
      }
    };
    compare("method", member(recorded, "method"), member(sent, "method"), 8);
    compare("path", member(recorded, "path"), member(sent, "path"), 4);
    compare("query", member(recorded, "query"), member(sent, "query"), 2);
    const json a = comparable_body(member(recorded, "body")), b = comparable_body(member(sent, "body"));
    if (a == b) {
      score += 1;
    } else if (difference.empty()) {
      if (a.is_object() && b.is_object()) {
        const json patch = json::diff(a, b);
        const json &first = patch.at(0);
        difference = "body at " + first.value("path", std::string("/")) + ": " +
                     first.value("op", std::string("?")) +
                     (first.contains("value") ? " " + dump_json(first["value"]) : std::string());
      } else {
        difference = "body was " + dump_json(a).substr(0, 200) + ", now " + dump_json(b).substr(0, 200);
      }
    }
    return score;
  }

  static result<http_response> answer_of(const json &interaction) {
    const json *response = find_member(interaction, "response");
    if (!response || !response->is_object())
      return error{errc::parse, "cassette interaction without a response"};
    if (const json *e = find_member(*response, "error"); e && e->is_object()) {
      field_reader recorded(*e, "/response/error");
      std::string code, message = "recorded failure";
      bool sent = true;
      recorded.text("code", code);
      recorded.text("message", message);
      recorded.boolean("request_sent", sent);
      if (!recorded.ok()) return error{errc::parse, "cassette: " + recorded.failure().message};
      error out{cassette_detail::errc_from_name(code).value_or(errc::connection), message};
      out.request_sent = sent;
      return out;
    }
    http_response r;
    field_reader recorded(*response, "/response");
    recorded.integer("status", r.status);
    if (!recorded.ok()) return error{errc::parse, "cassette: " + recorded.failure().message};
    if (const json *h = find_member(*response, "headers")) r.headers = cassette_detail::headers_from_json(*h);
    if (const json *b = find_member(*response, "body")) r.body = cassette_detail::body_from_json(*b);
    return r;
  }

  std::shared_ptr<shared> shared_;
};

// Records through Inner when the environment variable KLING_RECORD_CASSETTES
// is 1, otherwise replays the file. Inner is made only when recording.
template <class Inner>
class cassette_transport {
public:
  cassette_transport(std::string path, std::function<Inner()> make_inner, record_options record = {},
                     replay_options replay = {}) {
    const char *flag = std::getenv("KLING_RECORD_CASSETTES");
    if (flag && std::string(flag) == "1") {
      recorder_.emplace(make_inner(), std::move(path), std::move(record));
    } else {
      auto loaded = replay_transport::load(path, std::move(replay));
      if (loaded)
        player_.emplace(std::move(*loaded));
      else
        load_error_ = loaded.error();
    }
  }

  bool recording() const { return recorder_.has_value(); }

  result<http_response> send(const http_request &request) {
    if (recorder_) return recorder_->send(request);
    if (player_) return player_->send(request);
    return *load_error_;
  }

  std::size_t unused() const { return player_ ? player_->unused() : 0; }

private:
  std::optional<recording_transport<Inner>> recorder_;
  std::optional<replay_transport> player_;
  std::optional<error> load_error_;
};

} // namespace testing

KLING_NAMESPACE_END

#endif // KLING_TESTING_CASSETTE_HPP
