// Everything in kling-cpp except the cpp-httplib transport: for engines and
// plugins that bring their own HTTP stack, and for tests. Builds with
// -fno-exceptions -fno-rtti.
#ifndef KLING_CORE_HPP
#define KLING_CORE_HPP

#include "kling/version.hpp"

#include "kling/core/base64.hpp"
#include "kling/core/error.hpp"
#include "kling/core/json.hpp"
#include "kling/core/json_reader.hpp"
#include "kling/core/redact.hpp"
#include "kling/core/result.hpp"
#include "kling/core/time.hpp"
#include "kling/core/url.hpp"
#include "kling/core/utf8.hpp"

#include "kling/model/element.hpp"
#include "kling/model/envelope.hpp"
#include "kling/model/task.hpp"

#include "kling/rules/queries.hpp"

#include "kling/protocol/errors.hpp"
#include "kling/protocol/requests.hpp"
#include "kling/protocol/responses.hpp"

#include "kling/transport/http.hpp"
#include "kling/transport/mock_transport.hpp"
#include "kling/transport/network_settings.hpp"
#include "kling/transport/requirements.hpp"

#include "kling/client/basic_client.hpp"
#include "kling/client/elements.hpp"
#include "kling/client/options.hpp"
#include "kling/client/session.hpp"
#include "kling/client/videos.hpp"

#endif // KLING_CORE_HPP
