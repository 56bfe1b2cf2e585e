// kling-cpp: the client library for the Kling AI video generation gateway.
// Everything, with the default cpp-httplib transport and kling::client.
// No include guard of its own: every header it includes has one, and
// <kling/src.hpp> includes it again for the definitions.

#include "kling/core.hpp"

#include "kling/client/client.hpp"
#include "kling/transport/httplib_transport.hpp"
