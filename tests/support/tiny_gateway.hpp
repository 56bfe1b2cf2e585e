// A gateway in miniature, inside a mock_transport handler, for tests of
// exactly-once creation: it creates a task per external_task_id, refuses
// duplicates (or, as the document allows, accepts them: another paid task),
// finds tasks by either id (by external id only after `lookup_lag` lookups,
// as the document allows), and can lose the answer to a create after
// creating the task.
#ifndef KLING_TESTS_SUPPORT_TINY_GATEWAY_HPP
#define KLING_TESTS_SUPPORT_TINY_GATEWAY_HPP

#include <kling/testing.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kling_test {

inline kling::result<kling::http_response> answer(int status, std::string body,
                                                  kling::http_headers headers = {}) {
  kling::http_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline kling::error transport_error(kling::errc code, bool sent) {
  kling::error e{code, code == kling::errc::timeout ? "no answer in time" : "connection dropped"};
  e.request_sent = sent;
  return e;
}

struct tiny_gateway {
  std::mutex mutex;
  std::map<std::string, std::string> tasks; // external id -> (first) task id
  std::map<std::string, int> created;       // external id -> tasks created (paid) under it
  std::map<std::string, int> lookups;       // external id -> lookups by it so far
  bool accept_duplicates = false;
  int lookup_lag = 0; // lookups by external id that answer 404 after the task was created
  int posts = 0;
  int gets = 0;
  std::vector<std::string>
      create_faults; // applied to the POSTs in order: "timeout", "drop", "502", "refused", "429"

  kling::result<kling::http_response> handle(const kling::http_request &r) {
    std::lock_guard<std::mutex> lock(mutex);
    if (r.method == "POST") {
      ++posts;
      const std::string fault = create_faults.empty() ? "" : create_faults.front();
      if (!create_faults.empty()) create_faults.erase(create_faults.begin());
      if (fault == "refused") return transport_error(kling::errc::connection, false);
      if (fault == "429") return answer(429, R"({"code":1302,"message":"rate limit"})");
      const kling::json body = kling::json::parse(r.body);
      const std::string ext = body.value("external_task_id", "");
      if (!ext.empty() && tasks.count(ext) && !accept_duplicates) {
        return answer(
            409, R"({"error":{"message":"duplicate external_task_id","code":"duplicate_external_task_id"}})");
      }
      int total = 0;
      for (const auto &c : created)
        total += c.second;
      const std::string id = "task_" + std::to_string(total + 1);
      tasks.emplace(ext.empty() ? id : ext, id);
      ++created[ext.empty() ? id : ext];
      if (fault == "timeout") return transport_error(kling::errc::timeout, true);
      if (fault == "drop") return transport_error(kling::errc::connection, true);
      if (fault == "502") return answer(502, "<html>Bad Gateway</html>");
      return answer(200, R"({"id":")" + id + R"(","status":"pending"})");
    }
    ++gets;
    const std::string key = r.path.substr(r.path.rfind('/') + 1);
    for (const auto &t : tasks) {
      if (t.first == key && lookups[key]++ < lookup_lag) break; // not indexed yet
      if (t.first == key || t.second == key) {
        return answer(200, R"({"id":")" + t.second + R"(","external_task_id":")" + t.first +
                               R"(","status":"pending"})");
      }
    }
    return answer(404, R"({"error":{"message":"task not found","code":"not_found"}})");
  }
};

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_TINY_GATEWAY_HPP
