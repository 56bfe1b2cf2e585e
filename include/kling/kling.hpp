// kling-cpp: the client library for the Kling AI video generation gateway.
// Everything, with the default cpp-httplib transport and kling::client.
#ifndef KLING_KLING_HPP
#define KLING_KLING_HPP

#include "kling/core.hpp"

#include "kling/client/client.hpp"
#include "kling/transport/httplib_transport.hpp"

#endif // KLING_KLING_HPP
