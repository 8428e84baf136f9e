// The driver's scheduling decisions against a fake clock (no real time).
#include "bench/dispatcher.h"

#include <gtest/gtest.h>

#include "bench/driver.h"

namespace infx::bench {
namespace {

using client::FakeClock;
using Kind = Step::Kind;

constexpr int64_t kMs = 1'000'000;

Phase Closed(size_t begin, size_t end, int64_t concurrency) {
  Phase p;
  p.begin = begin;
  p.end = end;
  p.concurrency = concurrency;
  return p;
}

Phase Open(std::vector<int64_t> offsets_ns, int64_t concurrency = 0,
           double duration_s = 0) {
  Phase p;
  p.end = offsets_ns.size();
  p.offsets_ns = std::move(offsets_ns);
  p.concurrency = concurrency;
  p.duration_s = duration_s;
  return p;
}

TEST(DispatcherTest, ClosedLoopStartsUpToTheCapThenWaitsForASlot) {
  FakeClock clock;
  std::vector<Phase> phases = {Closed(0, 3, 2)};
  Dispatcher d(phases, clock);
  const int64_t t0 = clock.NowNs();
  Step s = d.Next(0, false);
  EXPECT_EQ(s.kind, Kind::kStart);
  EXPECT_EQ(s.index, 0u);
  EXPECT_EQ(s.scheduled_ns, t0);
  EXPECT_EQ(d.Next(1, false).index, 1u);
  s = d.Next(2, false);
  EXPECT_EQ(s.kind, Kind::kWait);
  EXPECT_EQ(s.wake_at_ns, Step::kNever);  // only a finishing request helps
  clock.Advance(7 * kMs);
  s = d.Next(1, false);
  EXPECT_EQ(s.kind, Kind::kStart);
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.scheduled_ns, t0 + 7 * kMs);  // origin: when the slot freed
  EXPECT_EQ(d.Next(2, false).kind, Kind::kWait);
  EXPECT_EQ(d.Next(0, false).kind, Kind::kDone);
}

TEST(DispatcherTest, OpenLoopStartsAtDueTimesWithTheDueTimeAsOrigin) {
  FakeClock clock;
  std::vector<Phase> phases = {Open({0, 10 * kMs, 30 * kMs})};
  Dispatcher d(phases, clock);
  const int64_t t0 = clock.NowNs();
  EXPECT_EQ(d.Next(0, false).scheduled_ns, t0);
  Step s = d.Next(1, false);
  EXPECT_EQ(s.kind, Kind::kWait);
  EXPECT_EQ(s.wake_at_ns, t0 + 10 * kMs);
  clock.Advance(15 * kMs);  // woke late: the origin stays the due time
  s = d.Next(1, false);
  EXPECT_EQ(s.kind, Kind::kStart);
  EXPECT_EQ(s.index, 1u);
  EXPECT_EQ(s.scheduled_ns, t0 + 10 * kMs);
  EXPECT_EQ(d.Next(2, false).wake_at_ns, t0 + 30 * kMs);
}

TEST(DispatcherTest, OpenLoopCappedRequestTakesTheSlotTimeAsOrigin) {
  FakeClock clock;
  std::vector<Phase> phases = {Open({0, 0}, /*concurrency=*/1)};
  Dispatcher d(phases, clock);
  EXPECT_EQ(d.Next(0, false).index, 0u);
  EXPECT_EQ(d.Next(1, false).kind, Kind::kWait);
  clock.Advance(5 * kMs);
  Step s = d.Next(0, false);
  EXPECT_EQ(s.kind, Kind::kStart);
  EXPECT_EQ(s.scheduled_ns, clock.NowNs());
}

TEST(DispatcherTest, DurationStopsSendingAndEndsWhatIsInFlight) {
  FakeClock clock;
  std::vector<Phase> phases = {Open({0, 2'000 * kMs}, 0, /*duration_s=*/1)};
  Dispatcher d(phases, clock);
  const int64_t t0 = clock.NowNs();
  EXPECT_EQ(d.Next(0, false).kind, Kind::kStart);
  Step s = d.Next(1, false);
  EXPECT_EQ(s.kind, Kind::kWait);
  EXPECT_EQ(s.wake_at_ns, t0 + 1'000 * kMs);  // the duration, not the due
  clock.Advance(1'000 * kMs);
  EXPECT_EQ(d.Next(1, false).kind, Kind::kStop);
  s = d.Next(1, false);  // stopped once; now wait for it to end
  EXPECT_EQ(s.kind, Kind::kWait);
  EXPECT_EQ(s.wake_at_ns, Step::kNever);
  EXPECT_EQ(d.Next(0, false).kind, Kind::kDone);  // request 1 never sent
}

TEST(DispatcherTest, ClosedLoopInFlightIsStoppedAtTheDuration) {
  FakeClock clock;
  Phase phase = Closed(0, 10, 1);
  phase.duration_s = 0.5;
  std::vector<Phase> phases = {phase};
  Dispatcher d(phases, clock);
  EXPECT_EQ(d.Next(0, false).kind, Kind::kStart);
  Step s = d.Next(1, false);
  EXPECT_EQ(s.kind, Kind::kWait);  // capped, and woken at the duration
  EXPECT_EQ(s.wake_at_ns, clock.NowNs() + 500 * kMs);
  clock.Advance(500 * kMs);
  EXPECT_EQ(d.Next(1, false).kind, Kind::kStop);
}

TEST(DispatcherTest, PhasesRunInTurnEachFromItsOwnStart) {
  FakeClock clock;
  Phase measured = Open({0, 10 * kMs});
  measured.begin = 1;
  measured.end = 3;
  std::vector<Phase> phases = {Closed(0, 1, 1), measured};
  Dispatcher d(phases, clock);
  EXPECT_EQ(d.Next(0, false).index, 0u);
  EXPECT_EQ(d.Next(1, false).kind, Kind::kWait);  // warm-up still running
  clock.Advance(100 * kMs);
  const int64_t t1 = clock.NowNs();
  Step s = d.Next(0, false);
  EXPECT_EQ(s.index, 1u);
  EXPECT_EQ(s.scheduled_ns, t1);
  EXPECT_EQ(d.phase_index(), 1u);
  EXPECT_EQ(d.Next(1, false).wake_at_ns, t1 + 10 * kMs);
}

TEST(DispatcherTest, CancelStartsNothingMore) {
  FakeClock clock;
  std::vector<Phase> phases = {Closed(0, 5, 0)};
  Dispatcher d(phases, clock);
  EXPECT_EQ(d.Next(0, false).kind, Kind::kStart);
  EXPECT_EQ(d.Next(1, true).kind, Kind::kWait);
  EXPECT_EQ(d.Next(0, true).kind, Kind::kDone);
}

}  // namespace
}  // namespace infx::bench
