// envelope<T> and page<T>: the element endpoints wrap their data in
// {code, message, request_id, data} (P-3), and list endpoints return pages.
//
// Thread safety: plain values.
#ifndef KLING_MODEL_ENVELOPE_HPP
#define KLING_MODEL_ENVELOPE_HPP

#include <string>
#include <vector>

#include "kling/core/json.hpp"
#include "kling/model/response_info.hpp"

KLING_NAMESPACE_BEGIN

// A successful envelope (code 0); a non-zero code arrives as an error instead.
template <class T>
struct envelope {
  T data;
  std::string message;
  std::string request_id;
  json raw;               // the whole answer
  response_info response; // its HTTP status and headers
};

// One page of a listing, with the paging it was asked for.
template <class T>
struct page {
  std::vector<T> items;
  int page_num = 1;
  int page_size = 30;

  // A full page suggests another one follows; an empty or short one ends the listing.
  bool may_have_more() const { return items.size() >= static_cast<std::size_t>(page_size); }
};

KLING_NAMESPACE_END

#endif // KLING_MODEL_ENVELOPE_HPP
