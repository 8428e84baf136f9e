#include "eval/fetch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace infx::eval {
namespace {

std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("infx_eval_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(FetchTest, Sha256OfKnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FetchTest, VerifiedFilesAlreadyPresentAreKept) {
  const auto shared = SharedDataDir(INFX_SOURCE_DIR) / "gsm8k";
  if (!std::filesystem::exists(shared / "test.jsonl")) GTEST_SKIP();
  const auto dir = TempDir("fetch_ok");
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(shared / "test.jsonl", dir / "test.jsonl");
  std::filesystem::copy_file(shared / "train.jsonl", dir / "train.jsonl");
  // An unreachable mirror proves nothing is downloaded.
  auto fetched = FetchFiles(Gsm8kFiles("http://127.0.0.1:1"), dir, 2.0);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  ASSERT_EQ(fetched->size(), 2u);
  EXPECT_FALSE((*fetched)[0].downloaded);
}

TEST(FetchTest, CorruptFileWithoutNetworkFailsClearly) {
  const auto dir = TempDir("fetch_bad");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteFileAtomic(dir / "test.jsonl", "corrupt\n").ok());
  auto fetched = FetchFiles(Gsm8kFiles("http://127.0.0.1:1"), dir, 2.0);
  auto left = ReadFile(dir / "test.jsonl");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(fetched.status().message().find("http://127.0.0.1:1/test.jsonl"),
            std::string::npos);
  EXPECT_NE(fetched.status().message().find("SHA-256"), std::string::npos);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, "corrupt\n");  // untouched
}

TEST(FetchTest, BadUrlIsInvalidArgument) {
  auto r = HttpGet("ftp://example.com/x", 1.0);
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace infx::eval
