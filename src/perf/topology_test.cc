#include "perf/topology.h"

#include <gtest/gtest.h>

#include "perf/step_time.h"
#include "perf/test_fixtures.h"

namespace infx::perf {
namespace {

hardware::HardwareSpec Switched(int domain) {
  hardware::HardwareSpec hw = testing::H200();
  hw.scale_up_domain_gpus = domain;
  hw.scale_up_bandwidth_bytes_per_s = 400e9;
  return hw;
}

hardware::HardwareSpec Torus(int domain, int dims) {
  hardware::HardwareSpec hw = Switched(domain);
  hw.torus_dims = dims;
  return hw;
}

TEST(TorusGroupTest, CompactShapesAndMeanDistance) {
  const TorusGroup ring2 = ShapeTorusGroup(2, 2);
  EXPECT_EQ(ring2.dims_used, 1);
  EXPECT_DOUBLE_EQ(ring2.mean_hops, 1.0);
  const TorusGroup sq64 = ShapeTorusGroup(64, 2);  // 8 x 8
  EXPECT_EQ(sq64.dims_used, 2);
  EXPECT_NEAR(sq64.side, 8.0, 1e-9);
  // Per ring of 8: distances 1,2,3,4,3,2,1 -> 16 / 8 = 2 per dimension.
  EXPECT_NEAR(sq64.mean_hops, 4.0 * 64 / 63, 1e-9);
  const TorusGroup cube512 = ShapeTorusGroup(512, 3);  // 8 x 8 x 8
  EXPECT_EQ(cube512.dims_used, 3);
  EXPECT_NEAR(cube512.side, 8.0, 1e-9);
}

TEST(TopologyTest, SwitchedAllReduceIsTheRingFormula) {
  const Calibration cal = DefaultCalibration(Switched(8), Engine::kVllm);
  const double msg = 64e6;
  const double expected =
      cal.comm_latency_s + msg * 2.0 * 7 / 8 / (400e9 * cal.comm_efficiency);
  EXPECT_DOUBLE_EQ(AllReduceSeconds(Switched(8), 8, msg, cal), expected);
  EXPECT_DOUBLE_EQ(AllReduceSeconds(Switched(8), 1, msg, cal), 0.0);
}

TEST(TopologyTest, TorusAllToAllPaysTheMeanDistanceSwitchPaysOneLink) {
  const Calibration cal = DefaultCalibration(Switched(256), Engine::kVllm);
  const double bytes = 100e6;
  const double sw = AllToAllSeconds(Switched(256), 64, bytes, cal);
  const double torus = AllToAllSeconds(Torus(256, 2), 64, bytes, cal);
  // 8x8 torus: each byte crosses ~4 links.
  EXPECT_NEAR((torus - cal.comm_latency_s) / (sw - cal.comm_latency_s), 4.06,
              0.05);
  // The gap grows with the group on a torus, not on a switch.
  const double torus256 = AllToAllSeconds(Torus(256, 2), 256, bytes, cal);
  const double sw256 = AllToAllSeconds(Switched(256), 256, bytes, cal);
  EXPECT_NEAR(sw256, sw, 1e-12);
  EXPECT_GT(torus256, 1.9 * torus);
  // A TP all-reduce over a full 2D sub-torus drives all four links: the
  // ring steps are neighbour hops: the cost matches the switch.
  const double ar_sw = AllReduceSeconds(Switched(256), 16, bytes, cal);
  const double ar_t = AllReduceSeconds(Torus(256, 2), 16, bytes, cal);
  EXPECT_NEAR(ar_t, ar_sw, 1e-12);
  // A pair spans one dimension: half the links, twice the transfer time.
  const double pair_sw = AllReduceSeconds(Switched(256), 2, bytes, cal);
  const double pair_t = AllReduceSeconds(Torus(256, 2), 2, bytes, cal);
  EXPECT_NEAR((pair_t - cal.comm_latency_s) / (pair_sw - cal.comm_latency_s),
              2.0, 1e-9);
}

TEST(TopologyTest, WideEpDecodeStepCommunicatesLongerOnATorus) {
  Deployment sw = testing::MakeDeployment("deepseek-r1", Switched(256),
                                          Precision::kFp8, 64, 1, 64, true);
  Deployment torus = sw;
  torus.hardware = Torus(256, 2);
  BatchShape batch;
  batch.decode_seqs = 64 * 64;
  batch.decode_context_tokens = batch.decode_seqs * 2048;
  const StepTime a = PredictStepTime(sw, batch);
  const StepTime b = PredictStepTime(torus, batch);
  ASSERT_GT(a.communication_s, 0);
  EXPECT_GT(b.communication_s, 3.0 * a.communication_s);
  EXPECT_GT(b.total_s, a.total_s);
}

}  // namespace
}  // namespace infx::perf
