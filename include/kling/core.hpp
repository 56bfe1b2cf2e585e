// Everything in kling-cpp except the cpp-httplib transport and the testing
// kit: for engines and plugins that bring their own HTTP stack. Builds with
// -fno-exceptions -fno-rtti. Tests add <kling/testing.hpp>.
// No include guard of its own: every header it includes has one, and
// <kling/src.hpp> includes it again for the definitions.

#include "kling/version.hpp"

// core: values and algorithms with no knowledge of the gateway
#include "kling/core/ascii.hpp"
#include "kling/core/base64.hpp"
#include "kling/core/boxed.hpp"
#include "kling/core/cancel.hpp"
#include "kling/core/error.hpp"
#include "kling/core/files.hpp"
#include "kling/core/json.hpp"
#include "kling/core/json_reader.hpp"
#include "kling/core/numbers.hpp"
#include "kling/core/random.hpp"
#include "kling/core/redact.hpp"
#include "kling/core/result.hpp"
#include "kling/core/sha256.hpp"
#include "kling/core/time.hpp"
#include "kling/core/url.hpp"
#include "kling/core/utf8.hpp"

// media: image and video headers read from bytes
#include "kling/media/image_probe.hpp"
#include "kling/media/sources.hpp"
#include "kling/media/video_probe.hpp"

// model: requests and answers of the gateway
#include "kling/model/camera_control.hpp"
#include "kling/model/element.hpp"
#include "kling/model/enums.hpp"
#include "kling/model/envelope.hpp"
#include "kling/model/image_to_video.hpp"
#include "kling/model/motion_control.hpp"
#include "kling/model/new_element.hpp"
#include "kling/model/omni_video.hpp"
#include "kling/model/route.hpp"
#include "kling/model/task.hpp"
#include "kling/model/task_handle.hpp"
#include "kling/model/text_to_video.hpp"

// rules: the gateway's contract, checked before sending
#include "kling/rules/batch_manifest.hpp"
#include "kling/rules/catalog.hpp"
#include "kling/rules/queries.hpp"
#include "kling/rules/validate.hpp"

// transport: the HTTP values and what a transport must offer
#include "kling/transport/any_transport.hpp"
#include "kling/transport/http.hpp"
#include "kling/transport/network_settings.hpp"
#include "kling/transport/requirements.hpp"
#include "kling/transport/streaming.hpp"

// protocol: requests, answers, retries and the state machines, without I/O
#include "kling/protocol/batch_journal.hpp"
#include "kling/protocol/callbacks.hpp"
#include "kling/protocol/create_machine.hpp"
#include "kling/protocol/download_machine.hpp"
#include "kling/protocol/errors.hpp"
#include "kling/protocol/followed_task.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/requests.hpp"
#include "kling/protocol/responses.hpp"
#include "kling/protocol/retry.hpp"
#include "kling/protocol/wait_machine.hpp"
#include "kling/protocol/webhooks.hpp"

// client: the blocking and asynchronous client over any transport, the tracker
#include "kling/client/async.hpp"
#include "kling/client/batch.hpp"
#include "kling/client/basic_client.hpp"
#include "kling/client/elements.hpp"
#include "kling/client/options.hpp"
#include "kling/client/scheduler.hpp"
#include "kling/client/settings.hpp"
#include "kling/client/task_tracker.hpp"
#include "kling/client/videos.hpp"
