// API latency of `infx serve` (web/dashboard_server.h) on a generated store
// of 100,000 points: p50/p99 of /api/points and /api/frontier with filters,
// over HTTP on loopback, first requests of each distinct query (computed
// from the snapshot) and repeats (served from the response cache).
// /api/points is paginated (docs/api.md): measured at its default page
// (1,000 rows), at the largest page (limit=10000) and at the last page of
// each filter; /api/frontier in both its row and column forms;
// /api/export.json (every filtered point, unpaginated) for reference. Then
// the handlers alone (web::HandleApi on a snapshot, no HTTP and no cache).
//
//   build/infx_serve_api_benchmark [--db /dev/shm/infx-100k.db]
//
// The store is generated when the file does not exist (web/synthetic_store.h:
// 50 configs x 4 hardware x 2 workloads x 100 concurrencies x 10
// repetitions = 100,000 points). Not a Google Benchmark: percentiles of
// individual requests are the figure of merit.
// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange
// clang-format on
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "http/test_client.h"
#include "web/api.h"
#include "web/dashboard_server.h"
#include "web/snapshot.h"
#include "web/synthetic_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

std::vector<std::string> Queries(const std::string& endpoint) {
  const char* models[] = {"llama-3.1-8b", "llama-3.1-70b"};
  const char* hw[] = {"h200", "h100", "b200", "mi300x"};
  const char* xs[] = {"interactivity", "e2el", "ttft"};
  std::vector<std::string> out;
  for (const char* m : models) {
    for (const char* h : hw) {
      for (int w = 0; w < 2; ++w) {
        const int osl = w == 0 ? 1024 : 8192;
        std::string q = fmt::format("{}?model={}&hardware={}&isl=1024&osl={}",
                                    endpoint, m, h, osl);
        if (endpoint == "/api/frontier") {
          for (const char* x : xs) out.push_back(q + "&x=" + x);
        } else if (endpoint == "/api/points") {
          out.push_back(q);
          out.push_back(q + "&precision=bf16");
        } else if (endpoint == "/api/points#max") {
          q.replace(0, q.find('?'), "/api/points");
          out.push_back(q + "&limit=10000");
          out.push_back(q + "&limit=10000&precision=bf16");
        } else if (endpoint == "/api/frontier#columns") {
          q.replace(0, q.find('?'), "/api/frontier");
          for (const char* x : xs) out.push_back(q + "&format=columns&x=" + x);
        } else if (endpoint == "/api/points#last") {
          q.replace(0, q.find('?'), "/api/points");
          out.push_back(q + "&offset=5000");
          out.push_back(q + "&offset=5000&precision=bf16");
        } else {
          out.push_back(q);
        }
      }
    }
  }
  return out;
}

struct Timings {
  std::vector<double> first_ms, repeat_ms;
  size_t bytes = 0;
};

Timings Measure(uint16_t port, const std::vector<std::string>& queries,
                int repeats) {
  Timings t;
  for (int r = 0; r <= repeats; ++r) {
    for (const auto& q : queries) {
      const auto start = Clock::now();
      auto res = infx::http::testing::Get(port, q);
      const double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - start)
              .count();
      if (res.status != 200) {
        std::cerr << q << ": HTTP " << res.status << " " << res.body << "\n";
        std::exit(1);
      }
      (r == 0 ? t.first_ms : t.repeat_ms).push_back(ms);
      t.bytes = std::max(t.bytes, res.body.size());
    }
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db = "/dev/shm/infx-serve-bench-100k.db";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0) db = argv[i + 1];
  }
  if (!std::filesystem::exists(db)) {
    auto store = infx::store::OpenResultsStore(db);
    if (!store.ok()) {
      std::cerr << store.status().message() << "\n";
      return 1;
    }
    infx::web::SyntheticOptions o;
    o.configs = 50;
    o.workloads = 2;
    o.concurrencies = 100;
    o.repetitions = 10;
    const auto start = Clock::now();
    if (auto s = infx::web::FillSyntheticStore(**store, o); !s.ok()) {
      std::cerr << s.message() << "\n";
      return 1;
    }
    std::cout << fmt::format(
        "generated {} points in {}: {:.1f} s\n",
        infx::web::SyntheticPointsPerRun(o), db,
        std::chrono::duration<double>(Clock::now() - start).count());
  }
  const auto load_start = Clock::now();
  infx::web::DashboardOptions d;
  d.port = 0;
  auto server = infx::web::DashboardServer::Start(d, db);
  if (!server.ok()) {
    std::cerr << server.status().message() << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "server up (store read) in {:.0f} ms\n",
      std::chrono::duration<double, std::milli>(Clock::now() - load_start)
          .count());
  for (const std::string endpoint :
       {"/api/points", "/api/points#max", "/api/points#last", "/api/frontier",
        "/api/frontier#columns", "/api/export.json"}) {
    const auto queries = Queries(endpoint);
    Timings t = Measure((*server)->port(), queries, 5);
    std::cout << fmt::format(
        "{:17} {:3} distinct filtered queries: first p50 {:.2f} ms p99 {:.2f} "
        "ms max {:.2f} ms | repeats ({}) p50 {:.2f} ms p99 {:.2f} ms | "
        "largest body {} KiB\n",
        endpoint, queries.size(), Percentile(t.first_ms, 0.5),
        Percentile(t.first_ms, 0.99), Percentile(t.first_ms, 1.0),
        t.repeat_ms.size(), Percentile(t.repeat_ms, 0.5),
        Percentile(t.repeat_ms, 0.99), t.bytes / 1024);
  }
  (*server)->Stop();
  // The handlers alone (web::HandleApi on a snapshot: no HTTP, no cache),
  // to tell computing an answer from sending it.
  auto ro = infx::store::OpenResultsStoreReadOnly(db);
  if (!ro.ok()) return 1;
  auto snap = infx::web::LoadSnapshot(**ro);
  if (!snap.ok()) return 1;
  for (const std::string endpoint :
       {"/api/points#max", "/api/frontier", "/api/frontier#columns"}) {
    std::vector<double> ms;
    for (const std::string& q : Queries(endpoint)) {
      const auto start = Clock::now();
      auto r = infx::web::HandleApi(**snap, q);
      ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start)
              .count());
      if (r.status != 200) return 1;
    }
    std::cout << fmt::format(
        "{:21} handler only ({} queries): p50 {:.2f} ms p99 {:.2f} ms\n",
        endpoint, ms.size(), Percentile(ms, 0.5), Percentile(ms, 0.99));
  }
  return 0;
}
