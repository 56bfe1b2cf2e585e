// response_info: what a successful call's last HTTP answer said besides its
// body: the status, the headers and the gateway's request id (quote it when
// asking the gateway's support about a call).
//
// Thread safety: a plain value.
#ifndef KLING_MODEL_RESPONSE_INFO_HPP
#define KLING_MODEL_RESPONSE_INFO_HPP

#include <string>
#include <utility>
#include <vector>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

struct response_info {
  int http_status = 0; // 0: no answer was read (a value built locally)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string request_id; // the X-Request-Id header, or the body's request_id
};

KLING_NAMESPACE_END

#endif // KLING_MODEL_RESPONSE_INFO_HPP
