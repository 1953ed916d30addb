#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

#include "src/common/env.h"
#include "tests/test_util.h"

namespace bevara {
namespace {

TEST(PosixEnvTest, WriteSyncRenameNoReplaceRead) {
  testing::TempDir dir;
  Env* env = Env::Default();
  auto f = env->CreateExclusive(dir.Join("a.tmp"), kDefaultFileMode);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE((*f)->Append("hello", 5).ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_TRUE(env->CreateExclusive(dir.Join("a.tmp"), kDefaultFileMode).status().IsAlreadyExists());
  ASSERT_TRUE(env->RenameNoReplace(dir.Join("a.tmp"), dir.Join("a")).ok());
  ASSERT_TRUE(env->SyncDir(dir.path()).ok());
  testing::WriteFile(dir.Join("b"), "other");
  EXPECT_TRUE(env->RenameNoReplace(dir.Join("b"), dir.Join("a")).IsAlreadyExists());
  EXPECT_EQ(testing::ReadFile(dir.Join("a")), "hello");

  auto r = env->OpenForRead(dir.Join("a"));
  ASSERT_TRUE(r.ok());
  char buf[16];
  auto n = (*r)->Read(buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "hello");
}

TEST(PosixEnvTest, NoFollowRefusesSymlinksAndLstatSeesThem) {
  testing::TempDir dir;
  Env* env = Env::Default();
  testing::WriteFile(dir.Join("target"), "x");
  ASSERT_EQ(::symlink("target", dir.Join("link").c_str()), 0);
  OpenOptions no_follow;
  no_follow.no_follow = true;
  EXPECT_FALSE(env->OpenForRead(dir.Join("link"), no_follow).ok());
  auto info = env->Lstat(dir.Join("link"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->type, FileType::kSymlink);
  auto target = env->Stat(dir.Join("link"));
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->type, FileType::kRegular);
  EXPECT_EQ(target->size, 1u);
  auto names = env->ListDir(dir.path());
  ASSERT_TRUE(names.ok());
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"link", "target"}));
}

// Direct writes of whole aligned chunks and buffered writes between them
// (or where the file system refuses O_DIRECT) make one file, in order.
TEST(PosixEnvTest, AlignedAndBufferedAppendsMakeOneFile) {
  testing::TempDir dir;
  Env* env = Env::Default();
  auto f = env->CreateExclusive(dir.Join("mixed"), kDefaultFileMode);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto* aligned = static_cast<char*>(std::aligned_alloc(kDirectIoAlignment, 2 * kDirectIoAlignment));
  ASSERT_NE(aligned, nullptr);
  std::string expected;
  auto append = [&](const std::string& bytes) {
    ASSERT_TRUE((*f)->Append(bytes.data(), bytes.size()).ok());
    expected += bytes;
  };
  auto append_aligned = [&](char fill) {
    std::fill(aligned, aligned + 2 * kDirectIoAlignment, fill);
    ASSERT_TRUE((*f)->AppendAligned(aligned, 2 * kDirectIoAlignment).ok());
    expected.append(2 * kDirectIoAlignment, fill);
  };
  append_aligned('a');                                // at 0: direct where the file system allows
  append(std::string(100, 'b'));                      // buffered, leaves the offset unaligned
  append_aligned('c');                                // unaligned offset: buffered
  append(std::string(kDirectIoAlignment - 100, 'd'));  // back to an aligned offset
  append_aligned('e');                                // direct again
  append("tail");
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  std::free(aligned);
  EXPECT_EQ(testing::ReadFile(dir.Join("mixed")), expected);
}

TEST(PosixEnvTest, MissingFileIsNotFound) {
  EXPECT_TRUE(Env::Default()->OpenForRead("/nonexistent/bevara").status().IsNotFound());
}

}  // namespace
}  // namespace bevara
