// The copies' long kill loop (not in the default run:
// tools/run-copies-kill-loop.sh): `bevara serve` with a copy on the real
// object store is killed with SIGKILL in the middle of replication, and in
// the middle of repairs, again and again. Afterwards:
//   * every blob the copy's ledger confirms is in the object store and its
//     downloaded bytes hash to its name (nothing confirmed that was not
//     stored);
//   * the copy catches up to level, and every local blob damaged on the way
//     is whole again (repaired from the copy), and `bevara audit` is clean.
//   BEVARA_KILL_CYCLES (default 20, for each of the two phases)
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "src/common/env.h"
#include "storage/blobs/s3_blob_store.h"
#include "storage/copies/copy_ledger.h"
#include "tests/server/server_fixture.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/object_store.h"

namespace bevara::testing {
namespace {

std::string Ini(const storage::S3Settings& s) {
  return "[copy.offsite]\ntype = s3\nendpoint = " + s.endpoint + "\nbucket = " + s.bucket +
         "\naccess_key_id = " + s.access_key_id + "\nsecret_access_key = " + s.secret_access_key + "\n";
}

int Cycles() {
  const char* env = std::getenv("BEVARA_KILL_CYCLES");
  return env ? std::max(1, std::atoi(env)) : 20;
}

// Every confirmed blob is in the bucket, and every blob there is whole.
// `some`: the bucket is expected to hold something by now.
void ExpectConfirmedMeansStored(const std::string& data, storage::S3BlobStore* remote, bool some = false) {
  auto ledger = storage::CopyLedger::Open(Env::Default(), data + "/store/copies", "offsite");
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  uint64_t checked = 0;
  ASSERT_TRUE(remote->ForEach([&](const std::string& name) {
    auto file = remote->Open(name);
    EXPECT_TRUE(file.ok());
    if (!file.ok()) return Status::OK();
    auto hash = storage::ReadHashing(file->get(), [](const char*, size_t) { return Status::OK(); });
    EXPECT_TRUE(hash.ok() && *hash == name) << name;
    ++checked;
    return Status::OK();
  }).ok());
  // What the ledger confirms must be there.
  uint64_t confirmed_missing = 0;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data + "/store/blobs")) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if ((*ledger)->Confirmed(name) && !remote->Size(name).ok()) ++confirmed_missing;
  }
  EXPECT_EQ(confirmed_missing, 0u) << "blobs confirmed that the store does not hold";
  if (some) {
    EXPECT_GT(checked, 0u);
  }
}

TEST(CopiesKillLoop, KilledWhileCopyingNothingIsConfirmedThatIsNotStored) {
  TempDir dir;
  const std::string data = dir.Join("data");
  const storage::S3Settings bucket = FreshBucket();
  std::mt19937 rng(7);
  auto remote = storage::S3BlobStore::Open(Env::Default(), bucket, dir.Join("spool"));
  ASSERT_TRUE(remote.ok());
  // Many packages archived with the copy out of reach: then every start
  // has a backlog to copy.
  {
    storage::S3Settings nowhere = bucket;
    nowhere.endpoint = "http://127.0.0.1:9";
    auto s = ServerProcess::Start(data, Ini(nowhere));
    ASSERT_TRUE(s);
    const std::string token = s->CreateToken("eservice", "212000-0001");
    for (int i = 0; i < 12; ++i) {
      auto job = s->DepositAndWait(token, GenerateProducerPackage(dir, 100 + static_cast<uint64_t>(i), "212000-0001", 40));
      ASSERT_EQ(nlohmann::json::parse(job.body)["state"], "archived");
    }
  }
  for (int cycle = 0; cycle < Cycles(); ++cycle) {
    auto s = ServerProcess::Start(data, Ini(bucket));
    ASSERT_TRUE(s) << "did not start after " << cycle << " kills";
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 400)(rng)));
    s->Kill();
    ExpectConfirmedMeansStored(data, remote->get());
  }
  // Left to finish, the copy is level.
  auto s = ServerProcess::Start(data, Ini(bucket));
  ASSERT_TRUE(s);
  const std::string archivist = s->CreateToken("archivist");
  nlohmann::json c;
  for (int i = 0; i < 600; ++i) {
    c = nlohmann::json::parse(s->Request("GET", "/api/v1/copies", archivist).body, nullptr, false);
    if (c.is_object() && c["copies"][1]["lag"]["blobs"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(c["copies"][1]["lag"]["blobs"], 0) << c.dump();
  ExpectConfirmedMeansStored(data, remote->get(), /*some=*/true);
}

TEST(CopiesKillLoop, KilledWhileRepairingEveryBlobEndsWhole) {
  TempDir dir;
  const std::string data = dir.Join("data");
  const storage::S3Settings bucket = FreshBucket();
  std::mt19937 rng(8);
  {
    auto s = ServerProcess::Start(data, Ini(bucket) + "acknowledge = all\n");
    ASSERT_TRUE(s);
    const std::string token = s->CreateToken("eservice", "212000-0001");
    for (int i = 0; i < 6; ++i) {
      auto job = s->DepositAndWait(token, GenerateProducerPackage(dir, 200 + static_cast<uint64_t>(i), "212000-0001", 40));
      ASSERT_EQ(nlohmann::json::parse(job.body)["state"], "archived");
    }
  }
  std::vector<std::string> blobs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data + "/store/blobs")) {
    if (e.is_regular_file()) blobs.push_back(e.path().string());
  }
  ASSERT_GT(blobs.size(), 50u);
  for (int cycle = 0; cycle < Cycles(); ++cycle) {
    // Rot in a few local blobs, an audit with repair, a kill in its middle.
    for (int i = 0; i < 5; ++i) {
      std::fstream f(blobs[std::uniform_int_distribution<size_t>(0, blobs.size() - 1)(rng)],
                     std::ios::in | std::ios::out | std::ios::binary);
      f.put('\x01');
    }
    auto s = ServerProcess::Start(data, Ini(bucket));
    ASSERT_TRUE(s) << "did not start after " << cycle << " kills";
    ASSERT_EQ(s->Request("POST", "/api/v1/copies/local/audit", s->CreateToken("archivist"), R"({"repair":true})").status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(10, 300)(rng)));
    s->Kill();
  }
  // One audit with repair left to finish: every blob whole, from the copy.
  const std::string ini = dir.Join("c.ini");
  std::ofstream(ini) << "[server]\ndata_dir = " << data << "\n" << Ini(bucket);
  const std::string out = ShellOutput(std::string(BEVARA_BINARY) + " audit --copy local --repair --config " + ini + " 2>&1; echo rc=$?");
  EXPECT_NE(out.find("rc=0"), std::string::npos) << out;
  EXPECT_EQ(out.find("NOT REPAIRED"), std::string::npos) << out;
  const std::string audit = ShellOutput(std::string(BEVARA_BINARY) + " audit --data " + data + " 2>&1; echo rc=$?");
  EXPECT_NE(audit.find("rc=0"), std::string::npos) << audit;
}

}  // namespace
}  // namespace bevara::testing
