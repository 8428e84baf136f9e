// Static files of the dashboard's front end (the esbuild bundle in
// <build>/web-app/), served from one root directory with no way out of it:
// request paths are percent-decoded once, then any "..", ".", empty or
// hidden segment, backslash, NUL or control byte is refused, and the
// resolved real path (symlinks followed) must still lie under the root.
//
// Thread-safety: pure functions (they read the file system).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace infx::web {

struct StaticFile {
  std::string path;          // absolute path of the file to send
  std::string content_type;  // from the extension
};

// "/" -> index.html. NotFound for a missing file; InvalidArgument naming
// the path for anything that tries to leave the root.
Result<StaticFile> ResolveStatic(const std::string& root,
                                 std::string_view url_path);

// "text/html; charset=utf-8" for ".html", ...; "application/octet-stream"
// when unknown.
std::string ContentTypeFor(std::string_view path);

// The front end's directory beside the `infx` binary (<dir of exe>/web-app,
// where the build puts it, or <dir of exe>/../share/infx/web-app), or ""
// when neither holds an index.html.
std::string DefaultWebRoot();

}  // namespace infx::web
