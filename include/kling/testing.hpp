// kling-cpp's testing kit, for tests of code that uses the library, with no
// network and no <httplib.h>: the mock transport, cassettes, the virtual
// clock, the manual scheduler, sample media. Includes everything of
// <kling/core.hpp>, and builds with -fno-exceptions -fno-rtti like it.
//
// The fake gateway, a real server on loopback, needs cpp-httplib and has a
// header of its own: <kling/testing/fake_gateway.hpp>.
#ifndef KLING_TESTING_HPP
#define KLING_TESTING_HPP

#include "kling/core.hpp"

#include "kling/testing/cassette.hpp"
#include "kling/testing/manual_scheduler.hpp"
#include "kling/testing/mock_transport.hpp"
#include "kling/testing/sample_media.hpp"
#include "kling/testing/virtual_clock.hpp"

#endif // KLING_TESTING_HPP
