// Pseudo-random numbers where nothing secret depends on them: backoff
// jitter, generated external_task_ids (unique, not unguessable), a fake
// gateway's fault rate. splitmix64 is tiny, fast and repeatable from a seed,
// so tests can fix every draw; random_seed gives one from the system for
// everything else.
//
// Thread safety: a splitmix64 is a plain value (one per thread, or guarded by
// its owner); random_seed may be called concurrently.
#ifndef KLING_CORE_RANDOM_HPP
#define KLING_CORE_RANDOM_HPP

#include <cstdint>
#include <limits>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

// Steele, Lea and Flood's SplitMix64: every seed, 0 included, gives a full
// period of 2^64. A UniformRandomBitGenerator, so <random>'s distributions
// accept it too.
class splitmix64 {
public:
  using result_type = std::uint64_t;

  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}

  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  constexpr std::uint64_t operator()() noexcept { return next(); }

  // A number in [0, bound]; 0 when bound is 0. The modulo bias is below
  // 2^-40 for the bounds used here (milliseconds of backoff).
  constexpr std::uint64_t up_to(std::uint64_t bound) noexcept {
    const std::uint64_t draw = next();
    return bound == std::numeric_limits<std::uint64_t>::max() ? draw : draw % (bound + 1);
  }

  // A number in [0, 1), from the top 53 bits (a double's precision).
  constexpr double unit() noexcept { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<std::uint64_t>::max(); }

private:
  std::uint64_t state_;
};

// 64 bits from the system's source (/dev/urandom, std::random_device on
// Windows), never 0; from random_detail::clock_seed where that source
// cannot be read.
KLING_FUNCTION_OBJECT random_seed_function { std::uint64_t operator()() const; };
inline constexpr KLING_FUNCTION_TYPE(random_seed) random_seed{};

namespace random_detail {
// When the system's source cannot be read: both clocks, an address and a
// count of calls, mixed. Unique in practice, which generated ids need; not
// unguessable, which nothing here needs.
KLING_LAZY std::uint64_t clock_seed();
} // namespace random_detail

KLING_NAMESPACE_END

#endif // KLING_CORE_RANDOM_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_RANDOM_IPP)
#define KLING_CORE_RANDOM_IPP

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#if defined(_WIN32)
#include <random>
#endif

KLING_NAMESPACE_BEGIN

namespace random_detail {
KLING_LAZY_DEF std::uint64_t clock_seed() {
  static std::atomic<std::uint64_t> calls{0};
  const auto ticks = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const auto wall = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  const auto place = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&calls));
  splitmix64 mix(ticks ^ (wall << 1) ^ place ^ (calls.fetch_add(1) << 48));
  return mix.next() ^ mix.next();
}
} // namespace random_detail

KLING_LAZY_DEF std::uint64_t KLING_FUNCTION(random_seed)::operator()() const {
#if defined(_WIN32)
  std::random_device device;
  return (std::uint64_t{device()} << 32 | device()) | 1;
#else
  // The system's source read as the file it is on every POSIX system (and in
  // Emscripten): std::random_device would bring <random>, which adds about
  // a twentieth of nlohmann's compile time to every header-only user's file.
  std::uint64_t seed = 0;
  if (std::FILE *source = std::fopen("/dev/urandom", "rb")) {
    std::setvbuf(source, nullptr, _IONBF, 0); // 8 bytes read, not a buffer's 4 KiB
    const std::size_t got = std::fread(&seed, 1, sizeof seed, source);
    std::fclose(source);
    if (got == sizeof seed) return seed | 1;
  }
  return random_detail::clock_seed() | 1;
#endif
}

KLING_NAMESPACE_END

#endif // KLING_CORE_RANDOM_IPP
