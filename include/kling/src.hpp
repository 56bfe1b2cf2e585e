// The compiled part of kling-cpp, for programs built with
// KLING_SEPARATE_COMPILATION: include this header in exactly one source file
// of the program (the CMake target kling::compiled and meson's
// kling_compiled_dep provide that file). It defines every function the
// headers declare, the cpp-httplib transport included, so it is the one file
// compiled with cpp-httplib's flags; define KLING_SRC_WITHOUT_HTTPLIB to
// leave the transport out (engines that bring their own HTTP stack).
#ifndef KLING_SRC_HPP
#define KLING_SRC_HPP

#if !defined(KLING_SEPARATE_COMPILATION)
#error                                                                                                       \
    "<kling/src.hpp> is for programs built with KLING_SEPARATE_COMPILATION; header-only programs need no source file"
#endif

#undef KLING_DEFINE_HERE
#define KLING_DEFINE_HERE 1

#if defined(KLING_SRC_WITHOUT_HTTPLIB)
#include "kling/core.hpp"
#else
#include "kling/kling.hpp"
#include "kling/transport/httplib_transport.hpp"
#endif

// Every header with a definitions part, by name: a header a file included
// before this one (itself or through another) is not opened again through
// the umbrellas, and its definitions would be missing. tools/amalgamate.py
// checks that the list is whole.
#include "kling/client/async.hpp"
#include "kling/client/batch.hpp"
#include "kling/client/blocking.hpp"
#include "kling/client/downloads.hpp"
#include "kling/client/elements.hpp"
#include "kling/client/options.hpp"
#include "kling/client/scheduler.hpp"
#include "kling/client/session.hpp"
#include "kling/client/settings.hpp"
#include "kling/client/task_tracker.hpp"
#include "kling/client/time_source.hpp"
#include "kling/client/videos.hpp"
#include "kling/core/ascii.hpp"
#include "kling/core/base64.hpp"
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
#include "kling/media/image_probe.hpp"
#include "kling/media/sources.hpp"
#include "kling/media/video_probe.hpp"
#include "kling/model/camera_control.hpp"
#include "kling/model/element.hpp"
#include "kling/model/image_to_video.hpp"
#include "kling/model/motion_control.hpp"
#include "kling/model/new_element.hpp"
#include "kling/model/omni_video.hpp"
#include "kling/model/request_support.hpp"
#include "kling/model/task.hpp"
#include "kling/model/task_handle.hpp"
#include "kling/model/text_to_video.hpp"
#include "kling/protocol/batch_journal.hpp"
#include "kling/protocol/callbacks.hpp"
#include "kling/protocol/create_and_wait_machine.hpp"
#include "kling/protocol/create_machine.hpp"
#include "kling/protocol/download_machine.hpp"
#include "kling/protocol/errors.hpp"
#include "kling/protocol/followed_task.hpp"
#include "kling/protocol/machine.hpp"
#include "kling/protocol/replay_store.hpp"
#include "kling/protocol/requests.hpp"
#include "kling/protocol/responses.hpp"
#include "kling/protocol/retry.hpp"
#include "kling/protocol/wait_machine.hpp"
#include "kling/protocol/webhooks.hpp"
#include "kling/rules/batch_manifest.hpp"
#include "kling/rules/camera.hpp"
#include "kling/rules/checker.hpp"
#include "kling/rules/common.hpp"
#include "kling/rules/elements.hpp"
#include "kling/rules/image_to_video.hpp"
#include "kling/rules/images.hpp"
#include "kling/rules/motion_control.hpp"
#include "kling/rules/omni_video.hpp"
#include "kling/rules/queries.hpp"
#include "kling/rules/report.hpp"
#include "kling/rules/routing.hpp"
#include "kling/rules/text_to_video.hpp"
#include "kling/rules/validate.hpp"
#include "kling/rules/videos.hpp"
#include "kling/transport/any_transport.hpp"
#include "kling/transport/http.hpp"
#include "kling/transport/streaming.hpp"

#endif // KLING_SRC_HPP
