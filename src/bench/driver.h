// Driver: runs prepared requests through one HttpClient on a single-threaded
// Asio event loop, in phases (warm-up, then measurement), each closed loop
// (at most C in flight, the next sent as soon as one finishes) or open loop
// (sent at precomputed due times, optionally capped at C in flight). Only
// timestamps are taken while it runs. The scheduling decisions are the
// Dispatcher's (bench/dispatcher.h); time is read through
// options.client.clock (steady_clock when null). When a phase's --duration
// runs out, requests still in flight are ended and recorded as cancelled
// ("in flight when --duration ... ended").
//
// With client_threads = N > 1 the requests are dealt round-robin to N
// client threads, each with its own event loop, HttpClient and Dispatcher
// over its share (and an even share of the concurrency cap); each writes
// only its own requests' records, so the records need no merging. Each
// thread's phases start when that thread gets there (threads start
// together; a later phase may start a little apart on each).
//
// Thread-safety: Drive runs on the calling thread (and, with N > 1, on N
// threads it starts and joins); `cancel` may be set from any thread and is
// polled every few milliseconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "client/http_client.h"
#include "common/result.h"
#include "metrics/request_record.h"

namespace infx::bench {

struct Phase {
  size_t begin = 0, end = 0;  // record/request index range [begin, end)
  int64_t concurrency = 0;    // max in flight; 0 = unlimited
  // Open loop: due offset (ns from the phase start) of each request in the
  // range; empty = closed loop.
  std::vector<int64_t> offsets_ns;
  double duration_s = 0;  // > 0: send nothing after this long, and end
                          // what is still in flight then
};

struct DriveOptions {
  client::ClientOptions client;
  bool progress = false;  // progress bar on stderr (a TTY)
  std::atomic<bool>* cancel = nullptr;
  int client_threads = 1;  // event loops (threads) sharing the requests
};

struct DriveOutcome {
  bool cancelled = false;
  int64_t connections_opened = 0;
};

// Sends requests[i] for record i of each phase in turn. records must be
// preallocated (index, x_request_id, chunk_ns capacity); requests that were
// never sent keep send_ns == 0.
DriveOutcome Drive(const DriveOptions& options,
                   const std::vector<client::PreparedRequest>& requests,
                   std::vector<metrics::RequestRecord>* records,
                   const std::vector<Phase>& phases);

}  // namespace infx::bench
