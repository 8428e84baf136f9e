// WriteFileAtomic / WriteOutputFile never replace what is not a regular
// file (issue 12 defect 7): symlinks are followed, pipes and devices written
// in place, "-" is standard output.
#include "common/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace infx {
namespace {

namespace fs = std::filesystem;

// Used by the WriteFileAtomicTest cases.
fs::path Scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("infx-files-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path ScratchDir(const std::string& name) {
  fs::path dir = fs::path(INFX_BINARY_DIR) / "files_test_tmp" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(WriteOutputFileTest, WritesNewAndReplacesRegularFiles) {
  const fs::path dir = ScratchDir("regular");
  const fs::path file = dir / "out.html";
  ASSERT_TRUE(WriteOutputFile(file.string(), "one").ok());
  EXPECT_EQ(Slurp(file), "one");
  fs::permissions(file, fs::perms(0640));
  ASSERT_TRUE(WriteOutputFile(file.string(), "two").ok());
  EXPECT_EQ(Slurp(file), "two");
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms(0640));
  // No temp files left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
}

TEST(WriteOutputFileTest, FollowsSymlinksInsteadOfReplacingThem) {
  const fs::path dir = ScratchDir("symlink");
  ASSERT_TRUE(WriteOutputFile((dir / "target.html").string(), "old").ok());
  fs::create_symlink("target.html", dir / "link.html");
  ASSERT_TRUE(WriteOutputFile((dir / "link.html").string(), "new").ok());
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir / "link.html")));
  EXPECT_EQ(Slurp(dir / "target.html"), "new");
  // A dangling link creates its target.
  fs::create_symlink("later.html", dir / "dangling.html");
  ASSERT_TRUE(WriteOutputFile((dir / "dangling.html").string(), "x").ok());
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir / "dangling.html")));
  EXPECT_EQ(Slurp(dir / "later.html"), "x");
}

TEST(WriteOutputFileTest, WritesNamedPipesInPlace) {
  const fs::path dir = ScratchDir("fifo");
  const fs::path fifo = dir / "result.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = Slurp(fifo); });
  Status s = WriteOutputFile(fifo.string(), "{\"ok\": true}\n");
  reader.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(received, "{\"ok\": true}\n");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
}

// Devices through a link, so that even a broken build cannot replace a
// node under /dev (the tests may run as root).
TEST(WriteOutputFileTest, WritesDevicesInPlaceAndReportsTheirErrors) {
  const fs::path dir = ScratchDir("device");
  fs::create_symlink("/dev/null", dir / "null.html");
  ASSERT_TRUE(WriteOutputFile((dir / "null.html").string(), "x").ok());
  EXPECT_TRUE(fs::is_character_file(fs::status(dir / "null.html")));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir / "null.html")));
  fs::create_symlink("/dev/full", dir / "full.html");
  Status full = WriteOutputFile((dir / "full.html").string(), "x");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.code(), ErrorCode::kIoError);
  EXPECT_NE(full.message().find("/dev/full"), std::string::npos)
      << full.message();
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir / "full.html")));
}

TEST(WriteOutputFileTest, DashIsStandardOutput) {
  const fs::path dir = ScratchDir("dash");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  testing::internal::CaptureStdout();
  Status s = WriteOutputFile("-", "<html>");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "<html>");
  fs::current_path(cwd);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(fs::exists(dir / "-"));
}

TEST(WriteOutputFileTest, DirectoryIsAnErrorNamingIt) {
  const fs::path dir = ScratchDir("dir");
  Status s = WriteOutputFile(dir.string(), "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(dir.string()), std::string::npos);
  EXPECT_TRUE(fs::is_directory(dir));
}

TEST(WriteFileAtomicTest, WritesAndLeavesNoTmpFile) {
  fs::path dir = Scratch("ok");
  ASSERT_TRUE(WriteFileAtomic(dir / "a.json", "{}").ok());
  EXPECT_EQ(ReadFile(dir / "a.json").value_or(""), "{}");
  EXPECT_FALSE(fs::exists(dir / "a.json.tmp"));
}

TEST(WriteFileAtomicTest, AFailedRenameLeavesNoTmpFileBehind) {
  fs::path dir = Scratch("rename");
  fs::create_directories(dir / "taken" / "inside");  // a non-empty dir
  Status s = WriteFileAtomic(dir / "taken", "{}");
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(dir / "taken.tmp"));
}

TEST(WriteFileAtomicTest, AMissingDirectoryIsAnErrorNamingThePath) {
  fs::path dir = Scratch("missing");
  Status s = WriteFileAtomic(dir / "no" / "such" / "a.json", "{}");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("a.json"), std::string::npos);
}

}  // namespace
}  // namespace infx
