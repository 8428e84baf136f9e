#include "common/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace infx {

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(fmt::format("{}: no such file", path.string()));
  }
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(
        fmt::format("{}: is a directory, expected a file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError(fmt::format("{}: cannot open", path.string()));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Status::IoError(fmt::format("{}: read failed", path.string()));
  }
  return buffer.str();
}

namespace {

namespace fs = std::filesystem;

// Follows symlinks (also dangling ones) to the path that is really written.
Result<fs::path> ResolveSymlinks(fs::path path) {
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) {
      return Status::IoError(fmt::format("{}: cannot read symlink: {}",
                                         path.string(), ec.message()));
    }
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return Status::InvalidArgument(
      fmt::format("{}: too many levels of symbolic links", path.string()));
}

Status WriteAll(int fd, const std::string& contents, const fs::path& path) {
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n =
        ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IoError(fmt::format("{}: write failed: {}", path.string(),
                                         std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// A pipe, a device, a socket: opened and written where it is.
Status WriteInPlace(const fs::path& path, const std::string& contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError(fmt::format("{}: cannot open for writing: {}",
                                       path.string(), std::strerror(errno)));
  }
  Status s = WriteAll(fd, contents, path);
  if (::close(fd) != 0 && s.ok()) {
    s = Status::IoError(fmt::format("{}: write failed: {}", path.string(),
                                    std::strerror(errno)));
  }
  return s;
}

// Temp file beside `path`, then rename over it.
Status WriteViaRename(const fs::path& path, const std::string& contents,
                      std::optional<fs::perms> keep_perms) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    return Status::IoError(fmt::format("{}: cannot open for writing: {}",
                                       tmp.string(), std::strerror(errno)));
  }
  Status s = WriteAll(fd, contents, tmp);
  if (s.ok() && keep_perms) {
    (void)::fchmod(fd, static_cast<mode_t>(*keep_perms));
  }
  if (::close(fd) != 0 && s.ok()) {
    s = Status::IoError(fmt::format("{}: write failed: {}", tmp.string(),
                                    std::strerror(errno)));
  }
  std::error_code ec;
  if (s.ok()) {
    fs::rename(tmp, path, ec);
    if (ec) {
      s = Status::IoError(
          fmt::format("{}: rename failed: {}", path.string(), ec.message()));
    }
  }
  if (!s.ok()) fs::remove(tmp, ec);
  return s;
}

}  // namespace

Status WriteFileAtomic(const std::filesystem::path& path,
                       const std::string& contents) {
  INFX_ASSIGN_OR_RETURN(fs::path target, ResolveSymlinks(path));
  std::error_code ec;
  const fs::file_status st = fs::status(target, ec);
  if (st.type() == fs::file_type::not_found) {
    return WriteViaRename(target, contents, std::nullopt);
  }
  if (st.type() == fs::file_type::directory) {
    return Status::InvalidArgument(
        fmt::format("{}: is a directory, expected a file", path.string()));
  }
  if (st.type() == fs::file_type::regular) {
    return WriteViaRename(target, contents, st.permissions());
  }
  return WriteInPlace(target, contents);
}

Status WriteOutputFile(const std::string& path, const std::string& contents) {
  if (path != "-") return WriteFileAtomic(path, contents);
  std::cout << contents;
  std::cout.flush();
  if (!std::cout) return Status::IoError("standard output: write failed");
  return Status::Ok();
}

Result<nlohmann::json> ParseJson(const std::string& text,
                                 const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::ParseError(fmt::format("{}: malformed JSON at byte {}: {}",
                                          what, e.byte, e.what()));
  } catch (const nlohmann::json::exception& e) {
    // e.g. out_of_range 406 for a number like 1e999 that overflows a double.
    return Status::ParseError(
        fmt::format("{}: invalid JSON: {}", what, e.what()));
  }
}

Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& path) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseJson(text, path.string());
}

Result<YAML::Node> ReadYamlFile(const std::filesystem::path& path) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}: malformed YAML at line {}: {}",
                                          path.string(), e.mark.line + 1,
                                          e.msg));
  }
}

std::filesystem::path SharedDataDir(const std::filesystem::path& source_dir) {
  if (const char* env = std::getenv("INFX_SHARED_DATA"); env && *env) {
    return env;
  }
  return source_dir / ".." / "shared" / "data";
}

}  // namespace infx
