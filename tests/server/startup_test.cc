// What a start finds after crashes and damage: a damaged side file is set
// aside and the server starts (and says so); leftovers of crashes go.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {

namespace fs = std::filesystem;

void FlipMiddleByte(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  const std::streamoff middle = f.tellg() / 2;
  char c = 0;
  f.seekg(middle);
  f.get(c);
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x20));
}

bool HasFileStartingWith(const std::string& dir, const std::string& prefix) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(Startup, ADamagedJobHistoryIsSetAsideAndTheServerStarts) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::string archivist;
  {
    auto server = ServerProcess::Start(data);
    archivist = server->CreateToken("archivist");
    for (uint64_t seed : {81, 82}) server->DepositAndWait(archivist, GenerateProducerPackage(dir, seed, "212000-0001", 2));
  }
  FlipMiddleByte(data + "/server/jobs.log");
  // An upload of a deposit the lost log had accepted: kept, not swept away.
  fs::create_directories(data + "/server/uploads");
  WriteFile(data + "/server/uploads/0123456789abcdef01234567.pkg", "an accepted package");
  auto server = ServerProcess::Start(data);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(HasFileStartingWith(data + "/server", "jobs.log.damaged-")) << "the damaged bytes are kept";
  EXPECT_EQ(ReadFile(data + "/server/uploads.orphaned/0123456789abcdef01234567.pkg"), "an accepted package");
  EXPECT_EQ(server->Request("GET", "/api/v1/packages", archivist).status, 200) << "the tokens are intact";
  HttpReply job = server->DepositAndWait(archivist, GenerateProducerPackage(dir, 83, "212000-0001", 2));
  EXPECT_EQ(nlohmann::json::parse(job.body)["state"], "archived") << job.body;
  EXPECT_NE(ReadFile(data + "/access/audit.log").find("sidefile.set-aside"), std::string::npos);
  server.reset();
  EXPECT_EQ(RunBevara("log verify --data " + data).exit_code, 0);
}

// Tokens that do not read are believed no more: every old one fails, a new
// admin token is written, and the server starts.
TEST(Startup, DamagedTokensFailClosedWithANewAdminToken) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::string archivist, old_admin;
  {
    auto server = ServerProcess::Start(data);
    archivist = server->CreateToken("archivist");
    old_admin = server->admin_token();
  }
  FlipMiddleByte(data + "/access/tokens.log");
  auto server = ServerProcess::Start(data);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(HasFileStartingWith(data + "/access", "tokens.log.damaged-"));
  EXPECT_EQ(server->Request("GET", "/api/v1/packages", archivist).status, 401);
  EXPECT_NE(server->admin_token(), old_admin);
  EXPECT_EQ(server->Request("GET", "/api/v1/tokens", server->admin_token()).status, 200);
}

TEST(Startup, LeftoversOfCrashesAreRemovedAndNothingElse) {
  TempDir dir;
  const std::string data = dir.Join("data");
  { auto server = ServerProcess::Start(data); }
  WriteFile(data + "/server/address.tmp-0123456789ab", "http://half-written\n");
  WriteFile(data + "/admin.token.tmp-a1b2c3d4e5f6", "");
  WriteFile(data + "/access/notes.tmp-short", "not ours to remove");
  WriteFile(data + "/keep.txt", "an operator's file");
  fs::create_directories(data + "/store/staging");
  WriteFile(data + "/store/staging/stale-blob", std::string(1 << 20, 'x'));
  auto server = ServerProcess::Start(data);
  ASSERT_NE(server, nullptr);
  EXPECT_FALSE(fs::exists(data + "/server/address.tmp-0123456789ab"));
  EXPECT_FALSE(fs::exists(data + "/admin.token.tmp-a1b2c3d4e5f6"));
  EXPECT_FALSE(fs::exists(data + "/store/staging/stale-blob"));
  EXPECT_TRUE(fs::exists(data + "/access/notes.tmp-short"));
  EXPECT_TRUE(fs::exists(data + "/keep.txt"));
}

}  // namespace
}  // namespace bevara::testing
