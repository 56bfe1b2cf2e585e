// kling::client: basic_client over cpp-httplib, the transport most programs use.
//
// Thread safety: calls may run concurrently (see basic_client and httplib_transport).
#ifndef KLING_CLIENT_CLIENT_HPP
#define KLING_CLIENT_CLIENT_HPP

#include "kling/client/basic_client.hpp"
#include "kling/transport/httplib_transport.hpp"

KLING_NAMESPACE_BEGIN

using client = basic_client<httplib_transport>;

KLING_NAMESPACE_END

#endif // KLING_CLIENT_CLIENT_HPP
