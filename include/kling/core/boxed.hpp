// boxed<T>: an optional value kept on the heap, so an object that only
// sometimes holds a large T (a machine's outcome, a task as last seen) costs
// one pointer until it does; also what holds a class's private state, whose
// type the header need not complete. Copies are deep. Unlike std::optional,
// a moved-from boxed is empty, and boxed<T> declares a copy even when T has
// none (using it then fails to compile).
//
// Thread safety: a plain value; distinct objects may be used concurrently.
#ifndef KLING_CORE_BOXED_HPP
#define KLING_CORE_BOXED_HPP

#include <utility>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

template <class T>
class boxed {
public:
  boxed() = default;
  // From a value, copied or moved once (a task moves about 20 members).
  boxed(const T &value) : value_(new T(value)) {}       // NOLINT: like std::optional
  boxed(T &&value) : value_(new T(std::move(value))) {} // NOLINT: like std::optional
  boxed(const boxed &other) : value_(other ? new T(*other) : nullptr) {}
  boxed(boxed &&other) noexcept : value_(std::exchange(other.value_, nullptr)) {}
  boxed &operator=(const boxed &other) {
    if (this != &other) replace(other ? new T(*other) : nullptr);
    return *this;
  }
  boxed &operator=(boxed &&other) noexcept {
    if (this != &other) replace(std::exchange(other.value_, nullptr));
    return *this;
  }
  boxed &operator=(const T &value) { return assign(value); }
  boxed &operator=(T &&value) { return assign(std::move(value)); }
  ~boxed() { replace(nullptr); }

  template <class... Args>
  T &emplace(Args &&...args) {
    replace(new T(std::forward<Args>(args)...));
    return *value_;
  }
  void reset() noexcept { replace(nullptr); }

  bool has_value() const noexcept { return value_ != nullptr; }
  explicit operator bool() const noexcept { return value_ != nullptr; }
  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return value_; }
  const T *operator->() const { return value_; }
  T *get() noexcept { return value_; } // null when empty
  const T *get() const noexcept { return value_; }

private:
  template <class U>
  boxed &assign(U &&value) {
    if (value_ == &value) return *this; // b = *b, or b = std::move(*b)
    if (value_)
      *value_ = std::forward<U>(value);
    else
      value_ = new T(std::forward<U>(value));
    return *this;
  }

  // The new value is built before the old one goes, as std::unique_ptr's reset does.
  void replace(T *value) noexcept {
    static_assert(sizeof(T) > 0, "kling::boxed<T> needs T complete where it is destroyed");
    T *old = std::exchange(value_, value);
    delete old;
  }

  // A plain owning pointer: std::unique_ptr<T> costs each file that names a
  // boxed<T> a std::tuple instantiation per T, and boxed needs none of it.
  T *value_ = nullptr;
};

KLING_NAMESPACE_END

#endif // KLING_CORE_BOXED_HPP
