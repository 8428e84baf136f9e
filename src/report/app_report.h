// The static HTML report as the dashboard itself: one self-contained file
// holding the bundled front end (web/, the same app `infx serve` serves),
// its stylesheet, and the JSON API's answers for one run's default views
// (runs, configs, the run page, evals, predictions, the frontier for every
// x/y choice with and without invalid points, iso levels 20/50/100, the
// history of every living metric), embedded as
// <script type="application/json" id="infx-data">. The page answers its
// API calls from that data (web/src/api.js), so it opens from disk with no
// server and no network. Its Content-Security-Policy (a <meta> tag) allows
// only the one inline script whose SHA-256 it names; the data block is not
// script, and every '<' in it is written as \u003c so no stored string can
// close it.
//
// Thread-safety: pure rendering; WriteAppReport reads the given store (the
// store's own rule applies).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::report {

// The front end's files as the build writes them (web-app/: index.html,
// app.js, app.css).
struct AppBundle {
  std::string index_html;
  std::string app_js;
  std::string app_css;
};

// Reads index.html, app.js and app.css from `web_root`; NotFound naming the
// missing file (build the front end: scripts/setup.sh, scripts/build.sh).
Result<AppBundle> ReadAppBundle(const std::string& web_root);

// The report of `run_id`. NotFound for an unknown run.
Result<std::string> RenderAppReport(store::ResultsStore& store, int64_t run_id,
                                    const AppBundle& bundle);

// "sha256-<base64>" of `text`, as a CSP script-src source.
std::string CspSha256(const std::string& text);

}  // namespace infx::report
