// Request bodies: the JSON an OpenAI-compatible server receives for one
// prompt (completions or chat completions, streamed, with usage), built
// before the run so that the hot path only sends bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "bench/runner.h"
#include "bench/workload.h"
#include "client/url.h"

namespace infx::bench {

// "/v1/completions" or "/v1/chat/completions" under the base URL's path
// ("/v1" not repeated when the base URL already ends in it), or
// base path + client.endpoint_path when given.
std::string EndpointTarget(const client::Url& base, const ClientConfig& client);

// {"model", "prompt" (token ids or text) | "messages", "max_tokens",
//  "stream": true, "stream_options": {"include_usage": true}, "ignore_eos"
//  (when set), sampling fields when set, "stop" when non-empty}.
std::string BuildRequestBody(const ClientConfig& client, const Prompt& prompt,
                             const SamplingParams& sampling);

}  // namespace infx::bench
