// The copies in the running server, against the real object store:
// deposits copied and acknowledged only once confirmed, what GET
// /api/v1/copies shows, a file damaged here repaired from the copy before it
// is sent, an audit through the API, and the object store stopped in the
// middle (waited for, then resumed; acknowledgement refused meanwhile).
//
// The fault tests stop the store's S3 front for every test that uses it, so
// this binary runs alone (RUN_SERIAL).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "storage/blobs/s3_blob_store.h"
#include "tests/server/server_fixture.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/object_store.h"
#include "tests/web/staff_login.h"

namespace bevara::testing {
namespace {

std::string CopyIni(const storage::S3Settings& s, const std::string& acknowledge, const std::string& extra = "") {
  return "[copy.local]\nacknowledge_wait = 8s\n" + extra + "\n[copy.offsite]\ntype = s3\nendpoint = " + s.endpoint +
         "\nbucket = " + s.bucket + "\naccess_key_id = " + s.access_key_id +
         "\nsecret_access_key = " + s.secret_access_key + "\nacknowledge = " + acknowledge + "\n";
}

nlohmann::json Copies(ServerProcess& s, const std::string& token) {
  HttpReply r = s.Request("GET", "/api/v1/copies", token);
  EXPECT_EQ(r.status, 200) << r.body;
  return nlohmann::json::parse(r.body, nullptr, false);
}

const nlohmann::json& Offsite(const nlohmann::json& copies) { return copies["copies"][1]; }

// Polls GET /api/v1/copies until the offsite copy is level (or 30 s pass).
nlohmann::json WaitLevel(ServerProcess& s, const std::string& token) {
  nlohmann::json c;
  for (int i = 0; i < 300; ++i) {
    c = Copies(s, token);
    if (c.is_object() && Offsite(c)["lag"]["blobs"] == 0 && !Offsite(c).contains("last_error")) return c;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "the copy did not catch up: " << c.dump();
  return c;
}

std::string FirstFile(ServerProcess& s, const std::string& token, const std::string& package, std::string* sha256) {
  HttpReply p = s.Request("GET", "/api/v1/packages/" + package, token);
  nlohmann::json j = nlohmann::json::parse(p.body, nullptr, false);
  for (const auto& f : j["files"]) {
    const std::string path = f["path"];
    if (path.find("representations") != std::string::npos) {
      *sha256 = f["sha256"];
      return path;
    }
  }
  ADD_FAILURE() << "no file in " << p.body;
  return "";
}

TEST(ServerCopies, DepositsAreAcknowledgedOnlyOnceCopiedAndTheCopyIsShown) {
  TempDir dir;
  const storage::S3Settings bucket = FreshBucket();
  auto s = ServerProcess::Start(dir.Join("data"), CopyIni(bucket, "all"));
  ASSERT_TRUE(s);
  const std::string archivist = s->CreateToken("archivist");
  HttpReply job = s->DepositAndWait(s->CreateToken("eservice", "212000-0001"), GenerateProducerPackage(dir, 1, "212000-0001"));
  nlohmann::json j = nlohmann::json::parse(job.body, nullptr, false);
  ASSERT_EQ(j["state"], "archived") << job.body;
  // Acknowledged: so every blob of the version is in the object store now.
  nlohmann::json c = Copies(*s, archivist);
  EXPECT_EQ(Offsite(c)["lag"]["blobs"], 0) << c.dump();
  EXPECT_GT(Offsite(c)["confirmed"]["blobs"].get<uint64_t>(), 5u);
  EXPECT_EQ(Offsite(c)["where"], bucket.endpoint + " bucket " + bucket.bucket);
  EXPECT_EQ(c.dump().find(bucket.secret_access_key), std::string::npos) << "credentials are never shown";
  EXPECT_TRUE(c["copies"][0].contains("fixity"));
  EXPECT_EQ(s->Request("GET", "/api/v1/copies", s->CreateToken("eservice", "212000-0001")).status, 403);
  // The staff dashboard shows the copies too, without credentials.
  const std::string session = LogIn(*s, "anna", "archivist");
  HttpReply page = s->Request("GET", "/personal", "", "", {{"Cookie", session}});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<th scope=\"row\">offsite</th>"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find(bucket.secret_access_key), std::string::npos);
}

TEST(ServerCopies, AFileDamagedHereIsRepairedFromTheCopyBeforeItIsSent) {
  TempDir dir;
  auto s = ServerProcess::Start(dir.Join("data"), CopyIni(FreshBucket(), "all"));
  ASSERT_TRUE(s);
  const std::string archivist = s->CreateToken("archivist");
  HttpReply job = s->DepositAndWait(s->CreateToken("eservice", "212000-0001"), GenerateProducerPackage(dir, 2, "212000-0001"));
  nlohmann::json j = nlohmann::json::parse(job.body, nullptr, false);
  ASSERT_EQ(j["state"], "archived") << job.body;
  const std::string package = j["package_id"];
  std::string sha256;
  const std::string path = FirstFile(*s, archivist, package, &sha256);
  const std::string blob = dir.Join("data/store/blobs/sha256/" + sha256.substr(0, 2) + "/" + sha256);
  const std::string good = ReadFile(blob);
  // Lost behind bevara's back: found at the download, repaired, sent whole.
  std::filesystem::remove(blob);
  HttpReply got = s->Request("GET", "/api/v1/packages/" + package + "/files/" + path, archivist);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(got.body == good);
  EXPECT_EQ(ReadFile(blob), good);
  // Rotted in place: the audit through the API finds it; the next download
  // repairs it first.
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.put('#');
  }
  ASSERT_EQ(s->Request("POST", "/api/v1/copies/local/audit", archivist, R"({"repair":false})").status, 202);
  nlohmann::json c;
  for (int i = 0; i < 100; ++i) {
    c = Copies(*s, archivist);
    if (c["copies"][0].contains("last_audit")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(c["copies"][0]["last_audit"]["findings"].size(), 1u) << c.dump();
  EXPECT_EQ(c["copies"][0]["damaged"].size(), 1u);
  got = s->Request("GET", "/api/v1/packages/" + package + "/files/" + path, archivist);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(got.body == good);
  EXPECT_TRUE(Copies(*s, archivist)["copies"][0]["damaged"].empty());
  const std::string log = s->Request("GET", "/api/v1/log?action=copy.&limit=100", s->CreateToken("auditor")).body;
  EXPECT_NE(log.find("copy.repair"), std::string::npos) << log;
  EXPECT_NE(log.find("from copy offsite"), std::string::npos) << log;
  // Lost again: the whole package (the DIP) is sent after the repair too.
  std::filesystem::remove(blob);
  HttpReply dip = s->Request("GET", "/api/v1/packages/" + package + "/dip", archivist);
  ASSERT_EQ(dip.status, 200) << dip.body;
  EXPECT_NE(dip.body.find(good), std::string::npos) << "the file inside the zip (stored, not compressed)";
  EXPECT_EQ(ReadFile(blob), good);
}

// The object store stops answering: deposits waiting for it are not
// acknowledged, a local-only policy archives and the copy catches up when
// the store is back, from where it stood.
TEST(ServerCopies, TheStoreStoppedIsWaitedForAndTheCopyResumes) {
  TempDir dir;
  const storage::S3Settings bucket = FreshBucket();
  auto s = ServerProcess::Start(dir.Join("data"), CopyIni(bucket, "local"));
  ASSERT_TRUE(s);
  const std::string archivist = s->CreateToken("archivist");
  const std::string eservice = s->CreateToken("eservice", "212000-0001");
  ASSERT_EQ(nlohmann::json::parse(s->DepositAndWait(eservice, GenerateProducerPackage(dir, 3, "212000-0001")).body)["state"],
            "archived");
  const uint64_t before = WaitLevel(*s, archivist)["copies"][1]["confirmed"]["blobs"];
  ASSERT_TRUE(ObjectStoreCommand("stop-gateway"));
  HttpReply job = s->DepositAndWait(eservice, GenerateProducerPackage(dir, 4, "212000-0001"));
  EXPECT_EQ(nlohmann::json::parse(job.body)["state"], "archived") << "acknowledge = local: the copy follows";
  ASSERT_EQ(s->Request("POST", "/api/v1/copies/sync", archivist).status, 202);
  nlohmann::json c;
  // Each request is tried six times with growing pauses (about 7 s) before
  // the run gives up and says why.
  for (int i = 0; i < 300; ++i) {
    c = Copies(*s, archivist);
    if (Offsite(c).contains("last_error")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GT(Offsite(c)["lag"]["blobs"].get<uint64_t>(), 0u) << c.dump();
  EXPECT_NE(Offsite(c).value("last_error", "").find("Unavailable"), std::string::npos) << c.dump();
  EXPECT_EQ(Offsite(c)["confirmed"]["blobs"], before) << "nothing is confirmed that was not stored";
  ASSERT_TRUE(ObjectStoreCommand("start-gateway"));
  ASSERT_EQ(s->Request("POST", "/api/v1/copies/sync", archivist).status, 202);
  c = WaitLevel(*s, archivist);
  EXPECT_GT(Offsite(c)["confirmed"]["blobs"].get<uint64_t>(), before);
}

TEST(ServerCopies, ADepositWaitingForAStoppedCopyIsNotAcknowledged) {
  TempDir dir;
  auto s = ServerProcess::Start(dir.Join("data"), CopyIni(FreshBucket(), "all"));
  ASSERT_TRUE(s);
  ASSERT_TRUE(ObjectStoreCommand("stop-gateway"));
  HttpReply job = s->DepositAndWait(s->CreateToken("eservice", "212000-0001"), GenerateProducerPackage(dir, 5, "212000-0001"));
  ASSERT_TRUE(ObjectStoreCommand("start-gateway"));
  nlohmann::json j = nlohmann::json::parse(job.body, nullptr, false);
  EXPECT_EQ(j["state"], "failed") << job.body;
  EXPECT_EQ(j["error"]["code"], "copies_unconfirmed") << job.body;
  EXPECT_NE(j["error"].value("message", "").find("offsite"), std::string::npos) << job.body;
}

TEST(ServerCopies, ConfigurationMistakesAreClearAndNameNoSecret) {
  TempDir dir;
  storage::S3Settings s = FreshBucket();
  const std::string ini = dir.Join("c.ini");
  auto run = [&](const std::string& text) {
    std::ofstream(ini) << "[server]\ndata_dir = " << dir.Join("data") << "\n" << text;
    return ShellOutput(std::string(BEVARA_BINARY) + " copies --config " + ini + " 2>&1; echo rc=$?");
  };
  std::string out = run("[copy.offsite]\ntype = s3\nendpoint = " + s.endpoint + "\nbucket = " + s.bucket +
                        "\naccess_key_id = x\nsecret_access_key = hush-123\naccess_key_id_env = Y\n");
  EXPECT_NE(out.find("copy.offsite.access_key_id"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  EXPECT_EQ(out.find("hush-123"), std::string::npos) << out;
  out = run("[copy.offsite]\ntype = s3\nendpoint = " + s.endpoint + "\nbucket = " + s.bucket +
            "\naccess_key_id = x\nsecret_access_key_env = BEVARA_NO_SUCH_VARIABLE\n");
  EXPECT_NE(out.find("BEVARA_NO_SUCH_VARIABLE is not set"), std::string::npos) << out;
  out = run("[copy.offsite]\ntype = s3\nendpoint = " + s.endpoint + "\nbucket = " + s.bucket +
            "\naccess_key_id = x\nsecret_access_key = hush-123\ncolour = blue\n");
  EXPECT_NE(out.find("colour"), std::string::npos) << out;
  ASSERT_EQ(ShellOutput(std::string(BEVARA_BINARY) + " init --data " + dir.Join("data") + " >/dev/null 2>&1; echo $?"), "0\n");
  out = run("[copy.offsite]\ntype = s3\nendpoint = " + s.endpoint + "\nbucket = " + s.bucket +
            "\naccess_key_id = " + s.access_key_id + "\nsecret_access_key = hush-123\n");
  EXPECT_NE(out.find("refused the credentials"), std::string::npos) << out;
  EXPECT_EQ(out.find("hush-123"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
}

}  // namespace
}  // namespace bevara::testing
