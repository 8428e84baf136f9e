#include "common/files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace infx {
namespace {

namespace fs = std::filesystem;

fs::path Scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("infx-files-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
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
