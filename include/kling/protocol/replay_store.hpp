// Replay protection for webhooks: the webhook-ids of messages already
// accepted, kept as long as a copy of the message could still pass the
// timestamp check. A verified message whose id is known is a replay: a
// captured message sent again, or the sender delivering it a second time.
//
// replay_store is the interface a receiver supplies (backed by its database
// when several processes receive); memory_replay_store is a bounded,
// in-process one.
//
// Thread safety: replay_store implementations must be safe to call from
// several threads at once; memory_replay_store is (one mutex).
#ifndef KLING_PROTOCOL_REPLAY_STORE_HPP
#define KLING_PROTOCOL_REPLAY_STORE_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/boxed.hpp"

KLING_NAMESPACE_BEGIN

namespace webhooks {

class replay_store {
public:
  virtual ~replay_store() = default;

  // Records id as accepted, to be kept until the Unix time until_unix_seconds,
  // and returns true; or returns false and changes nothing when id is already
  // recorded with a time not before now_unix_seconds. Must be atomic: of two
  // concurrent calls with one id, at most one returns true (with a database:
  // an insert that fails on an existing key).
  virtual bool remember(std::string_view id, std::int64_t now_unix_seconds,
                        std::int64_t until_unix_seconds) = 0;

  // Forgets id, so that the next delivery of the message is accepted: for a
  // receiver that accepted a message but could not act on it, and wants the
  // sender's retry (same webhook-id) to get through.
  virtual void forget(std::string_view id) = 0;
};

// At most max_ids ids, in memory. Ids past their time are dropped first; when
// max_ids unexpired ids are held, the one that expires soonest makes room, so
// that a burst of genuine messages is never refused (only the sender, who
// holds the secret, can produce ids that reach the store).
//
// Its name is memory_replay_store (declared below); the class is a
// KLING_LAZY_CLASS because its virtual functions are compiled wherever their
// class is: header-only, a plain class would compile its maps in every file.
KLING_LAZY_CLASS basic_memory_replay_store final : public replay_store {
public:
  static constexpr std::size_t default_max_ids = 10000;

  explicit basic_memory_replay_store(std::size_t max_ids = default_max_ids);
  ~basic_memory_replay_store() override;
  basic_memory_replay_store(const basic_memory_replay_store &) = delete;
  basic_memory_replay_store &operator=(const basic_memory_replay_store &) = delete;

  bool remember(std::string_view id, std::int64_t now_unix_seconds, std::int64_t until_unix_seconds) override;

  void forget(std::string_view id) override;

  // How many ids are held (expired ones included until the next remember).
  std::size_t size() const;
  std::size_t max_ids() const noexcept { return max_ids_; }

private:
  // The ids and their mutex, in the definitions part: separately compiled
  // users' files do not compile them.
  struct state;

  const std::size_t max_ids_;
  boxed<state> state_;
};

using memory_replay_store = KLING_LAZY_CLASS_TYPE(basic_memory_replay_store);

// The store receive_callback and verify_once use when given none: one per
// process (per shared library that holds a copy of this header's code).
KLING_FUNCTION_OBJECT default_replay_store_function { replay_store &operator()() const; };
inline constexpr KLING_FUNCTION_TYPE(default_replay_store) default_replay_store{};

} // namespace webhooks

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_REPLAY_STORE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_REPLAY_STORE_IPP)
#define KLING_PROTOCOL_REPLAY_STORE_IPP

#include <map>
#include <mutex>
#include <unordered_map>

KLING_NAMESPACE_BEGIN

namespace webhooks {

KLING_LAZY_TEMPLATE struct KLING_LAZY_MEMBER_OF(basic_memory_replay_store)::state {
  using expiry_index = std::multimap<std::int64_t, std::string>;

  void erase(typename expiry_index::iterator it) {
    until.erase(it->second);
    by_expiry.erase(it);
  }

  mutable std::mutex mutex;
  std::unordered_map<std::string, std::int64_t> until; // id -> Unix time it may be dropped after
  expiry_index by_expiry;                              // the same, ordered by that time
};

KLING_LAZY_DEF KLING_LAZY_MEMBER_OF(basic_memory_replay_store)::basic_memory_replay_store(std::size_t max_ids)
    : max_ids_(max_ids > 0 ? max_ids : 1) {
  state_.emplace();
}

KLING_LAZY_DEF KLING_LAZY_MEMBER_OF(basic_memory_replay_store)::~basic_memory_replay_store() = default;

KLING_LAZY_DEF bool
KLING_LAZY_MEMBER_OF(basic_memory_replay_store)::remember(std::string_view id, std::int64_t now_unix_seconds,
                                                          std::int64_t until_unix_seconds) {
  state &s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  while (!s.by_expiry.empty() && s.by_expiry.begin()->first < now_unix_seconds)
    s.erase(s.by_expiry.begin());
  const std::string key(id);
  if (s.until.count(key) != 0) return false;
  while (s.until.size() >= max_ids_)
    s.erase(s.by_expiry.begin());
  s.until.emplace(key, until_unix_seconds);
  s.by_expiry.emplace(until_unix_seconds, key);
  return true;
}

KLING_LAZY_DEF void KLING_LAZY_MEMBER_OF(basic_memory_replay_store)::forget(std::string_view id) {
  state &s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  const auto found = s.until.find(std::string(id));
  if (found == s.until.end()) return;
  auto range = s.by_expiry.equal_range(found->second);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == found->first) {
      s.erase(it);
      return;
    }
  }
}

KLING_LAZY_DEF std::size_t KLING_LAZY_MEMBER_OF(basic_memory_replay_store)::size() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->until.size();
}

KLING_LAZY_DEF replay_store &KLING_FUNCTION(default_replay_store)::operator()() const {
  static memory_replay_store store;
  return store;
}

} // namespace webhooks

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_REPLAY_STORE_IPP
