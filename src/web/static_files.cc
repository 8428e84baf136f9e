#include "web/static_files.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "web/query.h"

namespace infx::web {
namespace fs = std::filesystem;

std::string ContentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() &&
           path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Result<StaticFile> ResolveStatic(const std::string& root,
                                 std::string_view url_path) {
  auto refuse = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("static path '{}' refused: {}", url_path, why));
  };
  if (url_path.empty() || url_path.front() != '/') {
    return refuse("not an absolute path");
  }
  INFX_ASSIGN_OR_RETURN(std::string decoded,
                        PercentDecode(url_path.substr(1), false));
  if (decoded.empty()) decoded = "index.html";
  for (unsigned char c : decoded) {
    if (c < 0x20 || c == 0x7f || c == '\\') return refuse("forbidden byte");
  }
  size_t start = 0;
  while (start <= decoded.size()) {
    size_t slash = decoded.find('/', start);
    if (slash == std::string::npos) slash = decoded.size();
    std::string_view seg(decoded.data() + start, slash - start);
    if (seg.empty() || seg.front() == '.') {
      return refuse("empty, dot or hidden segment");
    }
    start = slash + 1;
  }
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec)
    return Status::NotFound(fmt::format("web root {}: {}", root, ec.message()));
  const fs::path real = fs::canonical(real_root / decoded, ec);
  if (ec || !fs::is_regular_file(real)) {
    return Status::NotFound(fmt::format("no file {}", url_path));
  }
  auto rel = real.lexically_relative(real_root);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) {
    return refuse("outside the web root");
  }
  return StaticFile{real.string(), ContentTypeFor(real.string())};
}

std::string DefaultWebRoot() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const fs::path& dir :
       {exe.parent_path() / "web-app",
        exe.parent_path().parent_path() / "share" / "infx" / "web-app"}) {
    if (fs::exists(dir / "index.html", ec)) return dir.string();
  }
  return "";
}

}  // namespace infx::web
