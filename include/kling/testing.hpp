// kling-cpp's testing kit, for tests of code that uses the library: the
// fake gateway (a real server on loopback), cassettes, the virtual clock,
// sample video.
// Includes everything of <kling/kling.hpp>.
#ifndef KLING_TESTING_HPP
#define KLING_TESTING_HPP

#include "kling/kling.hpp"

#include "kling/testing/cassette.hpp"
#include "kling/testing/fake_gateway.hpp"
#include "kling/testing/manual_scheduler.hpp"
#include "kling/testing/sample_media.hpp"
#include "kling/testing/virtual_clock.hpp"

#endif // KLING_TESTING_HPP
