#include "web/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace infx::web {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("infx-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "root" / "sub");
    Write(base_ / "root" / "index.html", "<html>");
    Write(base_ / "root" / "app.js", "1");
    Write(base_ / "root" / "sub" / "a.css", "x");
    Write(base_ / "root" / ".secret", "s");
    Write(base_ / "outside.txt", "secret");
    fs::create_symlink(base_ / "outside.txt", base_ / "root" / "link.txt");
    root_ = (base_ / "root").string();
  }
  void TearDown() override { fs::remove_all(base_); }
  static void Write(const fs::path& p, const std::string& s) {
    std::ofstream(p) << s;
  }
  fs::path base_;
  std::string root_;
};

TEST_F(StaticFilesTest, ServesFilesUnderTheRoot) {
  auto index = ResolveStatic(root_, "/");
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto js = ResolveStatic(root_, "/app.js");
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(ResolveStatic(root_, "/sub/a.css").ok());
  EXPECT_TRUE(ResolveStatic(root_, "/sub%2Fa.css").ok());
  EXPECT_EQ(ResolveStatic(root_, "/missing.js").status().code(),
            ErrorCode::kNotFound);
}

TEST_F(StaticFilesTest, RefusesEveryWayOut) {
  for (const char* path :
       {"/../outside.txt", "/sub/../../outside.txt", "/%2e%2e/outside.txt",
        "/%2E%2E%2Foutside.txt", "/sub/..%2F..%2Foutside.txt", "/.secret",
        "//etc/passwd", "/sub//a.css", "/..\\outside.txt", "/a%00.js", "/%zz",
        "relative"}) {
    auto r = ResolveStatic(root_, path);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << path;
  }
  // A symlink pointing out of the root is not followed out.
  auto link = ResolveStatic(root_, "/link.txt");
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.status().code(), ErrorCode::kInvalidArgument);
  // A directory is not a file.
  EXPECT_FALSE(ResolveStatic(root_, "/sub").ok());
}

}  // namespace
}  // namespace infx::web
