// bevara reindex: the search index is derived data, built again from the
// archive alone.
#include <gtest/gtest.h>

#include <filesystem>

#include "src/search/search_index.h"
#include "tests/cli/run_bevara.h"
#include "tests/support/archive_fixture.h"

namespace bevara {
namespace {

using testing::RunBevara;

TEST(ReindexCommandTest, BuildsTheIndexFromTheArchiveAndReplacesALostOne) {
  testing::TempDir dir;
  const std::string data = "--data " + dir.Join("data");
  ASSERT_EQ(RunBevara("init " + data).exit_code, 0);
  for (uint64_t seed : {71, 72}) {
    ASSERT_EQ(RunBevara("ingest " + data + " " + testing::GeneratePackage(dir, seed, 12)).exit_code, 0);
  }
  auto count = [&](search::Audience audience) -> uint64_t {
    auto index = search::SearchIndex::Open(Env::Default(), dir.Join("data/index"));
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    auto n = index.ok() ? (*index)->Count(audience) : Result<uint64_t>(uint64_t{0});
    return n.ok() ? *n : 0;
  };
  testing::CommandRun first = RunBevara("reindex " + data);
  ASSERT_EQ(first.exit_code, 0);
  EXPECT_NE(first.out.find("reindexed 2 packages"), std::string::npos) << first.out;
  const uint64_t all = count(search::Audience::kArchive), pub = count(search::Audience::kPublic);
  EXPECT_GT(all, 0u);
  EXPECT_LT(pub, all) << "secret records stay out of the public index";

  // The index lost: reindex makes the same one again, and leaves nothing behind.
  std::filesystem::remove_all(dir.Join("data/index"));
  ASSERT_EQ(RunBevara("reindex " + data).exit_code, 0);
  EXPECT_EQ(count(search::Audience::kArchive), all);
  EXPECT_EQ(count(search::Audience::kPublic), pub);
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/index.new")));
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/index.compact")));
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/index.old")));

  // Refused while someone holds the index (a running server).
  auto held = search::SearchIndex::Open(Env::Default(), dir.Join("data/index"));
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(RunBevara("reindex " + data).exit_code, 2);
}

}  // namespace
}  // namespace bevara
