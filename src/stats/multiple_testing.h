// Benjamini-Hochberg (1995) control of the false discovery rate: the
// q-value (BH-adjusted p-value) of each test, as R's
// p.adjust(p, "BH") / scipy.stats.false_discovery_control:
//   q_(i) = min_{k >= i} min(1, m * p_(k) / k)  over p sorted ascending.
// Rejecting every test with q <= alpha controls the FDR at alpha.
//
// Thread-safety: pure function.
#pragma once

#include <vector>

namespace infx::stats {

// Same order as `p_values`. NaN p-values get NaN q-values and do not count
// in m.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values);

}  // namespace infx::stats
