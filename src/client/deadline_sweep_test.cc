#include "client/deadline_sweep.h"

#include <gtest/gtest.h>

#include <chrono>

namespace infx::client {
namespace {

using std::chrono::milliseconds;

TEST(DeadlineSweepTest, PeriodIsATwentiethOfTheShortestTimeoutWithinBounds) {
  // connect 10 s, request 600 s, idle 2 s: 2 s / 20 = 100 ms.
  EXPECT_EQ(DeadlineSweep::Period(10, 600, 2), milliseconds(100));
  // No idle timeout: the connect timeout is the shortest; 10 s / 20 is
  // 500 ms, clamped to 250 ms.
  EXPECT_EQ(DeadlineSweep::Period(10, 600, 0), milliseconds(250));
  EXPECT_EQ(DeadlineSweep::Period(3, 600, 0), milliseconds(150));
  // Never more often than every 20 ms, never less than every 250 ms.
  EXPECT_EQ(DeadlineSweep::Period(0.01, 0.01, 0.01), milliseconds(20));
  EXPECT_EQ(DeadlineSweep::Period(1000, 1000, 1000), milliseconds(250));
}

TEST(DeadlineSweepTest, AnUnlistedConnectionCanBeDeactivatedTwice) {
  boost::asio::io_context io;
  DeadlineSweep sweep(io, SteadyClock::Instance(), milliseconds(20), 0);
  ReaderOptions reader_options;
  Connection a(io, nullptr, reader_options, 512);
  Connection b(io, nullptr, reader_options, 512);
  sweep.Activate(&a, kNeverNs);
  sweep.Activate(&b, kNeverNs);
  sweep.Deactivate(&a);
  sweep.Deactivate(&a);  // no-op
  ASSERT_EQ(sweep.active().size(), 1u);
  EXPECT_EQ(sweep.active()[0], &b);
  sweep.Deactivate(&b);
  EXPECT_TRUE(sweep.active().empty());
  io.run();  // the sweep ends once nothing is listed
}

TEST(DeadlineSweepTest, ClosesAConnectionPastItsDeadline) {
  boost::asio::io_context io;
  FakeClock clock(0);
  DeadlineSweep sweep(io, clock, milliseconds(20), 0);
  ReaderOptions reader_options;
  Connection late(io, nullptr, reader_options, 512);
  Connection fine(io, nullptr, reader_options, 512);
  sweep.Activate(&late, 1'000);
  sweep.Activate(&fine, kNeverNs);
  clock.Set(2'000);
  // Bounded: a sweep that never closes it fails instead of hanging.
  for (int i = 0; i < 100 && late.closed_by == Connection::ClosedBy::kNone;
       ++i) {
    io.run_one();
  }
  EXPECT_EQ(late.closed_by, Connection::ClosedBy::kDeadline);
  EXPECT_EQ(fine.closed_by, Connection::ClosedBy::kNone);
  sweep.Stop();
  io.run();
}

}  // namespace
}  // namespace infx::client
