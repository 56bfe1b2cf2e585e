// boxed<T>: an optional value kept on the heap, so an object that only
// sometimes holds a large T (a machine's outcome, a task as last seen) costs
// one pointer until it does. Copies are deep: it behaves like std::optional<T>
// apart from where the value lives.
//
// Thread safety: a plain value; distinct objects may be used concurrently.
#ifndef KLING_CORE_BOXED_HPP
#define KLING_CORE_BOXED_HPP

#include <memory>
#include <utility>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

template <class T>
class boxed {
public:
  boxed() = default;
  boxed(T value) : value_(std::make_unique<T>(std::move(value))) {} // NOLINT: like std::optional
  boxed(const boxed &other) : value_(other ? std::make_unique<T>(*other) : nullptr) {}
  boxed(boxed &&) noexcept = default;
  boxed &operator=(const boxed &other) {
    if (this != &other) value_ = other ? std::make_unique<T>(*other) : nullptr;
    return *this;
  }
  boxed &operator=(boxed &&) noexcept = default;
  boxed &operator=(T value) {
    if (value_)
      *value_ = std::move(value);
    else
      value_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  template <class... Args>
  T &emplace(Args &&...args) {
    value_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *value_;
  }
  void reset() noexcept { value_.reset(); }

  bool has_value() const noexcept { return value_ != nullptr; }
  explicit operator bool() const noexcept { return value_ != nullptr; }
  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return value_.get(); }
  const T *operator->() const { return value_.get(); }

private:
  std::unique_ptr<T> value_;
};

KLING_NAMESPACE_END

#endif // KLING_CORE_BOXED_HPP
