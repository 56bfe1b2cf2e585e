// A transport with an async_send, the way an engine's HTTP module has one:
// a few threads of the program's own send through httplib_transport. The
// library has no threads; a program that wants requests to overlap brings
// them, and the task tracker (and the batch runner over it) send through it.
// send() is the blocking one, for the calls that block (downloads).
#ifndef KLING_EXAMPLES_THREADED_TRANSPORT_HPP
#define KLING_EXAMPLES_THREADED_TRANSPORT_HPP

#include <kling/kling.hpp>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

class threaded_transport {
public:
  threaded_transport(const kling::network_settings &network, int threads)
      : shared_(std::make_shared<pool>(network)) {
    for (int i = 0; i < threads; ++i)
      shared_->workers.emplace_back([p = shared_.get()] { p->run(); });
  }

  kling::result<kling::http_response> send(const kling::http_request &request) {
    return shared_->http.send(request);
  }

  void async_send(kling::http_request request, kling::http_completion done) {
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->queue.emplace_back(std::move(request), std::move(done));
    }
    shared_->wake.notify_one();
  }

private:
  struct pool {
    explicit pool(const kling::network_settings &network) : http(network) {}
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::pair<kling::http_request, kling::http_completion>> queue;
    bool stopping = false;
    kling::httplib_transport http;
    std::vector<std::thread> workers;
    ~pool() {
      {
        std::lock_guard<std::mutex> lock(mutex);
        stopping = true;
      }
      wake.notify_all();
      for (auto &w : workers)
        w.join();
    }
    void run() {
      for (;;) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        auto job = std::move(queue.front());
        queue.pop_front();
        lock.unlock();
        job.second(http.send(job.first));
      }
    }
  };
  std::shared_ptr<pool> shared_;
};

#endif // KLING_EXAMPLES_THREADED_TRANSPORT_HPP
