// videos_resource: creating and querying video generation tasks
// (POST /v1/videos, GET /v1/videos/{task_id}). Obtained from client.videos().
//
// Thread safety: as thread-safe as the client's transport.
#ifndef KLING_CLIENT_VIDEOS_HPP
#define KLING_CLIENT_VIDEOS_HPP

#include <memory>
#include <string_view>
#include <utility>

#include "kling/client/session.hpp"
#include "kling/protocol/responses.hpp"

KLING_NAMESPACE_BEGIN

template <class Transport> class videos_resource {
public:
  explicit videos_resource(std::shared_ptr<session<Transport>> s) : session_(std::move(s)) {}

  // Creates a task from the request body as JSON; returns the pending task.
  result<task> create(const json &body) {
    return session_->call(protocol::create_video(body), protocol::read_task);
  }

  // The task's current state. task_id may also be the external_task_id the
  // task was created with; provider speeds up lookups of old tasks.
  result<task> get(std::string_view task_id, std::string_view provider = {}) {
    return session_->call(protocol::get_video(task_id, provider), protocol::read_task);
  }

private:
  std::shared_ptr<session<Transport>> session_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_VIDEOS_HPP
