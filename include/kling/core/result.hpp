// result<T>: a value or an error, shaped like C++23 std::expected<T, error>,
// so fallible calls return values instead of throwing.
//
// Accessing value() of an error (or error() of a value) is a programming
// error: like std::expected without exceptions, it stops the program with a
// message. Check first, or use value_or.
//
// Thread safety: a plain value; distinct objects may be used concurrently.
#ifndef KLING_CORE_RESULT_HPP
#define KLING_CORE_RESULT_HPP

#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include <nlohmann/json_fwd.hpp>

#include "kling/core/error.hpp"

KLING_NAMESPACE_BEGIN

template <class T>
class result;

namespace detail {

[[noreturn]] KLING_DECL void fail_fast(const char *what) noexcept;

// A parameter type no caller has: what a copy or move of result<T> takes
// when T cannot be copied or moved.
struct unusable {
  explicit unusable(int); // never defined: no value of it is ever made
};

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<result<T>> : std::true_type {};

// What result<T> asks of T before it offers copies and moves. A type whose
// answers are known may say so (as below for json): asking the
// compiler about nlohmann's json means an overload resolution over its
// converting constructors, in every file that names result<json>.
template <class T>
struct value_traits {
  static constexpr bool copy_constructible = std::is_copy_constructible<T>::value;
  static constexpr bool move_constructible = std::is_move_constructible<T>::value;
  static constexpr bool copy_assignable = copy_constructible && std::is_copy_assignable<T>::value;
  static constexpr bool move_assignable = move_constructible && std::is_move_assignable<T>::value;
};

// json copies, moves and assigns (a test checks this against the standard
// traits). Said here, with the template, so that it precedes every
// result<json> a file names, whatever it includes first.
template <>
struct value_traits<nlohmann::json> {
  static constexpr bool copy_constructible = true;
  static constexpr bool move_constructible = true;
  static constexpr bool copy_assignable = true;
  static constexpr bool move_assignable = true;
};

// Whether T can be built from a U&&. For a U that is T itself, value_traits
// answers, so building a result<json> from a json does not make the compiler
// resolve nlohmann's converting constructors again.
template <class T, class U, bool = std::is_same<std::remove_cv_t<std::remove_reference_t<U>>, T>::value>
struct constructs_from : std::is_constructible<T, U &&> {};
template <class T, class U>
struct constructs_from<T, U, true>
    : std::bool_constant<std::is_lvalue_reference<U>::value ||
                                 std::is_const<std::remove_reference_t<U>>::value
                             ? value_traits<T>::copy_constructible
                             : value_traits<T>::move_constructible> {};

template <class F, class... Args>
using invoke_result_t = std::remove_cv_t<std::remove_reference_t<std::invoke_result_t<F, Args...>>>;

} // namespace detail

template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_reference<T>::value, "kling::result<T> holds values, not references");
  static_assert(!std::is_same<std::remove_cv_t<T>, kling::error>::value,
                "kling::result<error> is ambiguous; use a wrapper type");
  static_assert(std::is_nothrow_move_constructible<kling::error>::value,
                "assignments count on an error moving without throwing");

public:
  using value_type = T;
  using error_type = kling::error;

  // A default result holds a default-constructed value, as std::expected does.
  template <class U = T, std::enable_if_t<std::is_default_constructible<U>::value, int> = 0>
  result() : has_value_(true) {
    ::new (place(value_)) T();
  }

  // The cheap tests come first: conjunction stops at the first false, so copying a result<json>
  // never asks nlohmann whether a json can be built from a result (a costly question to compile).
  template <class U = T,
            std::enable_if_t<std::conjunction<std::negation<std::is_same<std::decay_t<U>, result>>,
                                              std::negation<std::is_same<std::decay_t<U>, kling::error>>,
                                              detail::constructs_from<T, U>>::value,
                             int> = 0>
  result(U &&value) : has_value_(true) {
    ::new (place(value_)) T(std::forward<U>(value));
  }

  result(const kling::error &e) : has_value_(false) { ::new (place(error_)) kling::error(e); }
  result(kling::error &&e) noexcept : has_value_(false) { ::new (place(error_)) kling::error(std::move(e)); }

  // Copies and moves exist only when T's do (std::is_copy_constructible and
  // the rest tell the truth): for a T that cannot be copied, the parameter
  // is a type no one has, and the implicit copy (deleted, as the union's
  // is) is what the traits see.
  result(
      const std::conditional_t<detail::value_traits<T>::copy_constructible, result, detail::unusable> &other)
      : has_value_(other.has_value_) {
    construct_from(other);
  }
  result(std::conditional_t<detail::value_traits<T>::move_constructible, result, detail::unusable>
             &&other) noexcept(std::is_nothrow_move_constructible<T>::value)
      : has_value_(other.has_value_) {
    construct_from(std::move(other));
  }
  result &operator=(
      const std::conditional_t<detail::value_traits<T>::copy_assignable, result, detail::unusable> &other) {
    assign(other);
    return *this;
  }
  result &operator=(std::conditional_t<detail::value_traits<T>::move_assignable, result, detail::unusable>
                        &&other) noexcept(std::is_nothrow_move_constructible<T>::value
                                              &&std::is_nothrow_move_assignable<T>::value) {
    assign(std::move(other));
    return *this;
  }
  ~result() {
    if (has_value_)
      value_.~T();
    else
      error_.~error();
  }

  bool has_value() const noexcept { return has_value_; }
  explicit operator bool() const noexcept { return has_value(); }

  T &value() & { return *checked_value(); }
  const T &value() const & { return *checked_value(); }
  T &&value() && { return std::move(*checked_value()); }

  T &operator*() & { return *checked_value(); }
  const T &operator*() const & { return *checked_value(); }
  T &&operator*() && { return std::move(*checked_value()); }
  T *operator->() { return checked_value(); }
  const T *operator->() const { return checked_value(); }

  const kling::error &error() const & { return *checked_error(); }
  kling::error &error() & { return *checked_error(); }
  kling::error &&error() && { return std::move(*checked_error()); }

  template <class U>
  T value_or(U &&fallback) const & {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U &&fallback) && {
    return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
  }

  // f(value) -> result<U>; an error passes through unchanged.
  template <class F>
  auto and_then(F &&f) & {
    return and_then_impl(*this, std::forward<F>(f));
  }
  template <class F>
  auto and_then(F &&f) const & {
    return and_then_impl(*this, std::forward<F>(f));
  }
  template <class F>
  auto and_then(F &&f) && {
    return and_then_impl(std::move(*this), std::forward<F>(f));
  }

  // f(value) -> U gives result<U> (result<void> when f returns nothing).
  template <class F>
  auto map(F &&f) & {
    return map_impl(*this, std::forward<F>(f));
  }
  template <class F>
  auto map(F &&f) const & {
    return map_impl(*this, std::forward<F>(f));
  }
  template <class F>
  auto map(F &&f) && {
    return map_impl(std::move(*this), std::forward<F>(f));
  }
  // std::expected's name for map.
  template <class F>
  auto transform(F &&f) & {
    return map(std::forward<F>(f));
  }
  template <class F>
  auto transform(F &&f) const & {
    return map(std::forward<F>(f));
  }
  template <class F>
  auto transform(F &&f) && {
    return std::move(*this).map(std::forward<F>(f));
  }

  // f(error) -> result<T>: recover from an error, or replace it.
  template <class F>
  result or_else(F &&f) const & {
    if (has_value()) return *this;
    return std::forward<F>(f)(error());
  }
  template <class F>
  result or_else(F &&f) && {
    if (has_value()) return std::move(*this);
    return std::forward<F>(f)(std::move(*this).error());
  }

  // f(error) -> error: add context to an error, keep a value as it is.
  template <class F>
  result map_error(F &&f) const & {
    if (has_value()) return *this;
    return result(std::forward<F>(f)(error()));
  }
  template <class F>
  result map_error(F &&f) && {
    if (has_value()) return std::move(*this);
    return result(std::forward<F>(f)(std::move(*this).error()));
  }

private:
  template <class U>
  static void *place(U &object) noexcept {
    return const_cast<void *>(static_cast<const volatile void *>(std::addressof(object)));
  }

  // Copies or moves other's state into this unbuilt one (has_value_ already set).
  template <class Other>
  void construct_from(Other &&other) {
    if (has_value_)
      ::new (place(value_)) T(std::forward<Other>(other).value_);
    else
      ::new (place(error_)) kling::error(std::forward<Other>(other).error_);
  }

  // As std::expected assigns: value to value and error to error by their
  // own assignment (so an alias into the other result is read before it
  // changes); across states the new one is built before the old one goes,
  // or the old error is put back when building the value throws.
  template <class Other>
  void assign(Other &&other) {
    if (has_value_ && other.has_value_) {
      value_ = std::forward<Other>(other).value_;
    } else if (!has_value_ && !other.has_value_) {
      error_ = std::forward<Other>(other).error_;
    } else if (has_value_) {
      kling::error e(std::forward<Other>(other).error_);
      value_.~T();
      ::new (place(error_)) kling::error(std::move(e));
      has_value_ = false;
    } else {
      kling::error saved(std::move(error_));
      error_.~error();
#if KLING_HAS_EXCEPTIONS
      try {
        ::new (place(value_)) T(std::forward<Other>(other).value_);
      } catch (...) {
        ::new (place(error_)) kling::error(std::move(saved));
        throw;
      }
#else
      ::new (place(value_)) T(std::forward<Other>(other).value_);
#endif
      has_value_ = true;
    }
  }

  T *checked_value() {
    if (has_value_) return std::addressof(value_);
    detail::fail_fast("result::value() called on an error; check has_value() first");
  }
  const T *checked_value() const {
    if (has_value_) return std::addressof(value_);
    detail::fail_fast("result::value() called on an error; check has_value() first");
  }
  kling::error *checked_error() {
    if (!has_value_) return &error_;
    detail::fail_fast("result::error() called on a value; check has_value() first");
  }
  const kling::error *checked_error() const {
    if (!has_value_) return &error_;
    detail::fail_fast("result::error() called on a value; check has_value() first");
  }

  template <class Self, class F>
  static auto and_then_impl(Self &&self, F &&f) {
    using R = detail::invoke_result_t<F, decltype(*std::forward<Self>(self))>;
    static_assert(detail::is_result<R>::value, "and_then: the function must return a kling::result");
    if (!self.has_value()) return R(std::forward<Self>(self).error());
    return std::forward<F>(f)(*std::forward<Self>(self));
  }

  template <class Self, class F>
  static auto map_impl(Self &&self, F &&f);

  // A value or an error, by hand: std::variant costs several times as much to
  // compile for each T, and a program names many results.
  bool has_value_;
  union {
    T value_;
    kling::error error_;
  };
};

// result<void>: success carries nothing.
template <>
class [[nodiscard]] result<void> {
public:
  using value_type = void;
  using error_type = kling::error;

  // Not a template: what is defined here would compile its optional<error>
  // code in every file. The definitions part holds these.
  KLING_DECL result() noexcept;
  KLING_DECL result(const kling::error &e);
  KLING_DECL result(kling::error &&e) noexcept;
  KLING_DECL result(const result &other);
  KLING_DECL result(result &&other) noexcept;
  KLING_DECL result &operator=(const result &other);
  KLING_DECL result &operator=(result &&other) noexcept;
  KLING_DECL ~result();

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (!has_value()) detail::fail_fast("result::value() called on an error; check has_value() first");
  }
  void operator*() const { value(); }

  const kling::error &error() const & { return *checked_error(); }
  kling::error &error() & { return *checked_error(); }
  kling::error &&error() && { return std::move(*checked_error()); }

  template <class F>
  auto and_then(F &&f) const {
    using R = detail::invoke_result_t<F>;
    static_assert(detail::is_result<R>::value, "and_then: the function must return a kling::result");
    if (!has_value()) return R(error());
    return std::forward<F>(f)();
  }

  template <class F>
  auto map(F &&f) const {
    using U = detail::invoke_result_t<F>;
    if constexpr (std::is_void<U>::value) {
      if (!has_value()) return result<void>(error());
      std::forward<F>(f)();
      return result<void>();
    } else {
      if (!has_value()) return result<U>(error());
      return result<U>(std::forward<F>(f)());
    }
  }
  template <class F>
  auto transform(F &&f) const {
    return map(std::forward<F>(f));
  }

  template <class F>
  result or_else(F &&f) const {
    if (has_value()) return *this;
    return std::forward<F>(f)(error());
  }

  template <class F>
  result map_error(F &&f) const {
    if (has_value()) return *this;
    return result(std::forward<F>(f)(error()));
  }

private:
  kling::error *checked_error() {
    if (error_) return &*error_;
    detail::fail_fast("result::error() called on a value; check has_value() first");
  }
  const kling::error *checked_error() const {
    if (error_) return &*error_;
    detail::fail_fast("result::error() called on a value; check has_value() first");
  }

  std::optional<kling::error> error_;
};

template <class T>
template <class Self, class F>
auto result<T>::map_impl(Self &&self, F &&f) {
  using U = detail::invoke_result_t<F, decltype(*std::forward<Self>(self))>;
  if constexpr (std::is_void<U>::value) {
    if (!self.has_value()) return result<void>(std::forward<Self>(self).error());
    std::forward<F>(f)(*std::forward<Self>(self));
    return result<void>();
  } else {
    if (!self.has_value()) return result<U>(std::forward<Self>(self).error());
    return result<U>(std::forward<F>(f)(*std::forward<Self>(self)));
  }
}

KLING_NAMESPACE_END

// Initializing a T from a json also tries json's implicit conversion to T,
// and nlohmann allows that only when json.get<T>() would compile: a search
// through every from_json it and T's namespace have. For result<json>, whose
// value_type is json, that costs about 130 ms of Clang in every file that
// returns a json as a result<json>. result<json> is never converted to or
// from JSON, so an empty serializer says so and the search ends at once.
// (Only it: a user's own to_json for a result of another type still works.)
// Here, with result, so that it precedes every use.
namespace nlohmann {
template <>
struct adl_serializer<kling::result<nlohmann::json>, void> {};
} // namespace nlohmann

#endif // KLING_CORE_RESULT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_RESULT_IPP)
#define KLING_CORE_RESULT_IPP

#include <cstdio>
#include <cstdlib>

KLING_NAMESPACE_BEGIN

namespace detail {

[[noreturn]] KLING_DECL void fail_fast(const char *what) noexcept {
  std::fputs("kling: ", stderr);
  std::fputs(what, stderr);
  std::fputs("\n", stderr);
  std::abort();
}

} // namespace detail

KLING_DECL result<void>::result() noexcept = default;
KLING_DECL result<void>::result(const kling::error &e) : error_(e) {}
KLING_DECL result<void>::result(kling::error &&e) noexcept : error_(std::move(e)) {}
KLING_DECL result<void>::result(const result &other) = default;
KLING_DECL result<void>::result(result &&other) noexcept = default;
KLING_DECL result<void> &result<void>::operator=(const result &other) = default;
KLING_DECL result<void> &result<void>::operator=(result &&other) noexcept = default;
KLING_DECL result<void>::~result() = default;

KLING_NAMESPACE_END

#endif // KLING_CORE_RESULT_IPP
