// Forward declarations of kling-cpp's types, for headers that only name them
// (references, pointers, function declarations) and so need not pay for
// <nlohmann/json.hpp> or the library. Includes no other header but macros
// (the version, and the namespace tag of cpp-httplib's compile flags); a
// file that uses the types includes <kling/core.hpp> or <kling/kling.hpp>.
//
//   #include <kling/fwd.hpp>
//   void start_render(kling::client &client, const kling::text_to_video &request);
//   void on_finished(const kling::result<kling::task> &task);
//
// kling::client names the cpp-httplib transport, whose namespace
// (httplib_abi.hpp) is named after cpp-httplib's compile flags in
// header-only mode: a file that names it is then compiled with those flags
// like every other file of the program (it still includes no <httplib.h>),
// or the names it declares would not link. With KLING_SEPARATE_COMPILATION
// the namespace has one fixed name and only the file that includes
// <kling/src.hpp> needs the flags.
//
// The tests compile a file that sees only this header
// (tests/compile/fwd_only.cpp) and check that every name here is the
// library's own type (tests/unit/core_test.cpp, httplib_transport_test.cpp).
#ifndef KLING_FWD_HPP
#define KLING_FWD_HPP

#include "kling/transport/httplib_abi.hpp"
#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

// core
enum class errc;
enum class error_cause;
struct violation;
struct error;
template <class T>
class result;
class cancellation_token;
class cancellation_source;

// model: requests
enum class mode;
enum class aspect_ratio;
enum class refer_type;
enum class character_orientation;
enum class camera_type;
enum class image_type;
enum class route;
struct camera_config;
struct camera_control;
struct voice;
struct trajectory_point;
struct dynamic_mask;
struct text_to_video;
struct image_to_video;
struct motion_control;
struct omni_image;
struct omni_element;
struct omni_video_reference;
struct omni_video;
struct new_element;

// model: answers
enum class task_status;
struct video;
struct usage;
struct task;
struct response_info;
struct task_handle;
struct element_tag;
struct element;
struct element_deletion;

// rules
namespace rules {
struct report;
} // namespace rules

// transport
struct http_request;
struct http_response;
class any_transport;
inline namespace KLING_HTTPLIB_ABI_NAMESPACE { // see httplib_abi.hpp
class httplib_transport;
} // namespace KLING_HTTPLIB_ABI_NAMESPACE

// protocol
namespace protocol {
struct retry_policy;
struct wait_options;
struct page_request;
} // namespace protocol
namespace webhooks {
struct verify_options;
} // namespace webhooks

// client
class options;
struct call_options;
struct scheduler;
struct time_source;
struct wait_progress;
struct wait_settings;
struct download_progress;
struct download_settings;
struct download_result;
struct tracker_callbacks;
struct tracker_settings;
template <class Transport>
class basic_client;
template <class Transport>
class basic_task_tracker;
using client = basic_client<httplib_transport>; // defined by <kling/kling.hpp>

KLING_NAMESPACE_END

#endif // KLING_FWD_HPP
