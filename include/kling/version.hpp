// Version of the library and the namespace macros every header opens with.
#ifndef KLING_VERSION_HPP
#define KLING_VERSION_HPP

#define KLING_VERSION_MAJOR 0
#define KLING_VERSION_MINOR 1
#define KLING_VERSION_PATCH 0
#define KLING_VERSION_STRING "0.1.0"

// Everything lives in an inline namespace named after the version, so two
// copies of different versions in one program fail at link time instead of
// silently mixing layouts (users still write kling::client).
// Separately compiled programs get a namespace of their own: a file built
// header-only and one built against <kling/src.hpp> in one program then fail
// to link instead of silently mixing two definitions of every function.
#if defined(KLING_SEPARATE_COMPILATION)
#define KLING_ABI_NAMESPACE abi_v0_1_0_compiled
#else
#define KLING_ABI_NAMESPACE abi_v0_1_0
#endif

#define KLING_NAMESPACE_BEGIN                                                                                \
  namespace kling {                                                                                          \
  inline namespace KLING_ABI_NAMESPACE {
#define KLING_NAMESPACE_END                                                                                  \
  }                                                                                                          \
  }

// The core builds with -fno-exceptions; nothing in it throws, but code that
// wraps third-party calls which may throw (cpp-httplib) catches only when
// exceptions exist.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define KLING_HAS_EXCEPTIONS 1
#else
#define KLING_HAS_EXCEPTIONS 0
#endif

// Header-only by default: every function is defined in its header, inline.
// With KLING_SEPARATE_COMPILATION defined (everywhere in the program), the
// headers hold declarations and templates only, and the definitions are
// compiled once, in the one file that includes <kling/src.hpp>.
//
// Each header is two parts: its declarations, under the usual include guard,
// then its definitions, under a guard of their own:
//
//   #if KLING_DEFINE_HERE && !defined(KLING_<NAME>_IPP)
//
// so that <kling/src.hpp> (which sets KLING_DEFINE_HERE) gets the
// definitions even when the headers were included before it. A definitions
// part includes no kling header (its declarations part does that), only
// system headers.
//
// A public function at namespace scope is a function object, so that it
// passes by name like any callable (to std::function, an algorithm,
// and_then): a KLING_FUNCTION_OBJECT type and a constant of it,
//
//   KLING_FUNCTION_OBJECT parse_url_function {
//     result<url> operator()(std::string_view text) const;
//   };
//   inline constexpr KLING_FUNCTION_TYPE(parse_url) parse_url{};
//
// its call operator defined in the definitions part as
//
//   KLING_LAZY_DEF result<url> KLING_FUNCTION(parse_url)::operator()(...) const { ... }
//
// These stay functions: to_json (nlohmann finds it by argument-dependent
// lookup), operators, templates and constexpr functions, and a name that
// shares an overload set with one of those (to_string, rules::validate,
// ascii::to_lower).
//
// What goes before a function defined outside its class or at namespace
// scope with its body in a definitions part:
//   KLING_LAZY      its first declaration (a member's, in its class);
//   KLING_LAZY_DEF  its definition, when it was declared before (and a
//                   function object's call operator);
//   KLING_DECL      what must stay an ordinary function: a default, copy or
//                   move constructor, a copy or move assignment, a
//                   destructor, a conversion, a virtual function or an
//                   override (a template would not replace or override
//                   it), and fail_fast ([[noreturn]]).
// Header-only, a KLING_LAZY function is a template of nothing: its body, and
// the JSON code it instantiates, is compiled only in the files that call it
// (or that compile a KLING_DECL body or a template that calls it), not in
// every file that includes the header. Separately compiled, all three are
// ordinary functions. A function object's type is likewise a class template
// of nothing header-only (its call operator compiled only where it is
// called or passed) and an ordinary class separately compiled. A template of
// nothing cannot be passed where its type must be deduced (a template
// parameter, std::function's deduction; GCC alone accepts it), which is why
// what users call is a function object; inside the library, a KLING_LAZY
// function is only ever called.
//
// A class whose members are compiled once, separately, is a KLING_LAZY_CLASS:
// header-only, a class template of nothing (so its member functions and the
// types it defines in its definitions part compile only where used); named
// KLING_LAZY_CLASS_TYPE(name) outside, and defined in the definitions part as
//
//   KLING_LAZY_DEF void KLING_LAZY_MEMBER_OF(name)::member(...) { ... }
//   KLING_LAZY_TEMPLATE struct KLING_LAZY_MEMBER_OF(name)::hidden_state { ... };
//
// The client templates over a transport are thin layers over such classes
// (see client/videos.hpp; client/session.hpp says why).
//
// KLING_DEFERRED(T) is T, named in a lazy body so that what the body does
// with it is checked only where the function is called: Clang checks a
// template's code that depends on nothing where it is written, in every
// file, and a second JSON type (nlohmann::ordered_json) costs that much.
// A return type is checked likewise, so a lazy function returning such a
// type is declared KLING_LAZY_RETURNING(T) and defined
// KLING_LAZY_DEF KLING_DEFERRED(T).
#if defined(KLING_SEPARATE_COMPILATION)
#define KLING_DECL
#define KLING_LAZY
#define KLING_LAZY_DEF
#define KLING_DEFERRED(T) T
#define KLING_LAZY_RETURNING(T) T
#define KLING_LAZY_CLASS class
#define KLING_LAZY_CLASS_TYPE(name) name
#define KLING_LAZY_MEMBER_OF(name) name
#define KLING_LAZY_TEMPLATE
#define KLING_FUNCTION_OBJECT struct
#ifndef KLING_DEFINE_HERE
#define KLING_DEFINE_HERE 0
#endif
#else
#define KLING_DECL inline
#define KLING_LAZY                                                                                           \
  template <class = void>                                                                                    \
  inline
#define KLING_LAZY_DEF                                                                                       \
  template <class KlingLazy>                                                                                 \
  inline
#define KLING_DEFERRED(T) ::kling::lazy_detail::deferred_t<T, KlingLazy>
#define KLING_LAZY_RETURNING(T)                                                                              \
  template <class KlingLazy = void>                                                                          \
  inline ::kling::lazy_detail::deferred_t<T, KlingLazy>
#define KLING_LAZY_CLASS                                                                                     \
  template <class KlingLazy = void>                                                                          \
  class
#define KLING_LAZY_CLASS_TYPE(name) name<>
#define KLING_LAZY_MEMBER_OF(name) name<KlingLazy>
#define KLING_LAZY_TEMPLATE template <class KlingLazy>
#define KLING_FUNCTION_OBJECT                                                                                \
  template <class KlingLazy = void>                                                                          \
  struct
#define KLING_DEFINE_HERE 1
#endif
#define KLING_FUNCTION_TYPE(name) KLING_LAZY_CLASS_TYPE(name##_function)
#define KLING_FUNCTION(name) KLING_LAZY_MEMBER_OF(name##_function)

namespace kling {
namespace lazy_detail {
template <class T, class>
struct deferred {
  using type = T;
};
template <class T, class For>
using deferred_t = typename deferred<T, For>::type;
} // namespace lazy_detail
} // namespace kling

#endif // KLING_VERSION_HPP
