// A header of a user's engine module that only names kling-cpp's types: it
// sees nothing but <kling/fwd.hpp>, and must compile without nlohmann/json,
// cpp-httplib or the library. (That each name here is the library's own type
// is checked by tests/unit/core_test.cpp, which completes them all.)
#include <kling/fwd.hpp>

#if defined(NLOHMANN_JSON_VERSION_MAJOR) || defined(INCLUDE_NLOHMANN_JSON_FWD_HPP_)
#error "kling/fwd.hpp must not include nlohmann/json"
#endif
#if defined(CPPHTTPLIB_VERSION)
#error "kling/fwd.hpp must not include cpp-httplib"
#endif

namespace render_queue {

struct engine_transport; // the engine's own HTTP stack

void submit(kling::client &client, const kling::text_to_video &request);
void submit(kling::basic_client<engine_transport> &client, const kling::image_to_video &request,
            const kling::options &defaults);
void submit(kling::any_transport &transport, const kling::omni_video &request,
            const kling::motion_control &motion, const kling::new_element &element,
            const kling::camera_control &camera);
void on_finished(const kling::result<kling::task> &task, const kling::task_handle &handle);
void on_failed(const kling::error &error, kling::errc code, const kling::violation &first);
void on_progress(const kling::wait_progress &progress, const kling::download_progress &bytes);
void configure(kling::wait_settings &wait, kling::download_settings &download,
               kling::protocol::wait_options &polls, kling::protocol::retry_policy &retries,
               const kling::scheduler &loop, const kling::time_source &time);
void track(kling::basic_task_tracker<engine_transport> &tracker, const kling::tracker_settings &settings,
           const kling::tracker_callbacks &callbacks, const kling::cancellation_token &cancel);
void checked(const kling::rules::report &report, kling::route route, kling::task_status status);

// References pass through without the definitions.
const kling::task &same(const kling::task &task) { return task; }
kling::cancellation_source *same(kling::cancellation_source *source) { return source; }

} // namespace render_queue
