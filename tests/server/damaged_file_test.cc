// Damage in the store is never served as good: a blob found damaged is
// refused with a clear error until an audit reads it whole again; one that
// turns out damaged while it is sent ends as a failed transfer; Repr-Digest
// lets any client check what it got.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "src/common/digest.h"
#include "src/common/hex.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {

struct Deposited {
  std::string id;
  nlohmann::json files;  // the receipt's AIP files: path, sha256, size
};

Deposited Deposit(ServerProcess* server, const TempDir& dir, const std::string& token, uint64_t seed) {
  HttpReply job = server->DepositAndWait(token, GenerateProducerPackage(dir, seed, "212000-0001", 4));
  auto j = nlohmann::json::parse(job.body);
  EXPECT_EQ(j["state"], "archived") << job.body;
  return {j["package_id"], j["receipt"]["aip"]["files"]};
}

std::string BlobPath(const std::string& data, const std::string& sha) {
  return data + "/store/blobs/sha256/" + sha.substr(0, 2) + "/" + sha;
}

// Flips one bit of the byte at `offset`, as bit rot would.
void FlipByte(const std::string& path, uint64_t offset) {
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  char c = 0;
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(&c, 1);
  c ^= 0x10;
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

std::string Base64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// curl, the way a user fetches a file: its exit code (0: a whole transfer
// with a success status).
int Curl(int port, const std::string& path, const std::string& token, const std::string& extra = "") {
  std::string cmd = "curl -fsS -o /dev/null -H 'Authorization: Bearer " + token + "' " + extra + " 'http://127.0.0.1:" +
                    std::to_string(port) + path + "' 2>/dev/null";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json AuditAndWait(ServerProcess* server, const std::string& auditor) {
  HttpReply started = server->Request("POST", "/api/v1/audits", auditor);
  EXPECT_EQ(started.status, 202) << started.body;
  HttpReply run;
  for (int i = 0; i < 400; ++i) {
    run = server->Request("GET", started.Header("location"), auditor);
    if (nlohmann::json::parse(run.body)["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return nlohmann::json::parse(run.body);
}

std::string FileUrl(const Deposited& p, int i) {
  return "/api/v1/packages/" + p.id + "/files/" + p.files[i]["path"].get<std::string>();
}

void ExpectDamaged(const HttpReply& reply, const std::string& kind) {
  EXPECT_EQ(reply.status, 500) << reply.body;
  if (kind.empty()) return;  // HEAD: no body
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  EXPECT_EQ(j["error"]["code"], "file_damaged") << reply.body;
  EXPECT_NE(reply.body.find(kind), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find("good copy"), std::string::npos) << "a repair hint: " << reply.body;
  EXPECT_EQ(reply.Header("etag"), "");
  EXPECT_EQ(reply.Header("repr-digest"), "");
}

TEST(DamagedFiles, AFileIsVerifiedBeforeItIsSentAndRefusedUntilRepaired) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  const std::string auditor = server->CreateToken("auditor");
  Deposited p = Deposit(server.get(), dir, archivist, 61);
  const std::string sha = p.files[1]["sha256"];
  HttpReply good = server->Request("GET", FileUrl(p, 1), archivist);
  ASSERT_EQ(good.status, 200) << good.body;
  std::string raw;
  ASSERT_TRUE(HexDecode(sha, &raw));
  EXPECT_EQ(good.Header("repr-digest"), "sha-256=:" + Base64(raw) + ":");
  EXPECT_EQ(Sha256Hex(good.body), sha);

  FlipByte(BlobPath(dir.Join("data"), sha), good.body.size() / 2);
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist), "corrupt");
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist, "", {{"Range", "bytes=0-3"}}), "corrupt");
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist, "", {{"If-None-Match", "\"" + sha + "\""}}),
                "corrupt");
  HttpReply dip = server->Request("GET", "/api/v1/packages/" + p.id + "/dip", archivist);
  ExpectDamaged(dip, "corrupt");

  // What was found outlives the server.
  server.reset();
  server = ServerProcess::Start(dir.Join("data"));
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist), "corrupt");

  // Repaired (the good bytes back) and audited: served again.
  WriteFile(BlobPath(dir.Join("data"), sha), good.body);
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist), "corrupt");  // only an audit clears it
  EXPECT_EQ(AuditAndWait(server.get(), auditor)["state"], "clean");
  HttpReply again = server->Request("GET", FileUrl(p, 1), archivist);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, good.body);
}

TEST(DamagedFiles, AnAuditsFindingIsRefusedAtOnce) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  const std::string auditor = server->CreateToken("auditor");
  Deposited p = Deposit(server.get(), dir, archivist, 62);
  const std::string sha = p.files[2]["sha256"];
  FlipByte(BlobPath(dir.Join("data"), sha), 0);
  EXPECT_EQ(AuditAndWait(server.get(), auditor)["state"], "problems");
  ExpectDamaged(server->Request("GET", FileUrl(p, 2), archivist), "corrupt");
  ExpectDamaged(server->Request("HEAD", FileUrl(p, 2), archivist), "");
}

TEST(DamagedFiles, TruncatedAndDeletedBlobsAreDamageNotAbsence) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  Deposited p = Deposit(server.get(), dir, archivist, 63);
  const std::string truncated = p.files[1]["sha256"], deleted = p.files[2]["sha256"];
  ASSERT_EQ(::truncate(BlobPath(dir.Join("data"), truncated).c_str(), 3), 0);
  ASSERT_EQ(::unlink(BlobPath(dir.Join("data"), deleted).c_str()), 0);
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist), "truncated");
  ExpectDamaged(server->Request("GET", FileUrl(p, 2), archivist), "missing");
}

// With nothing pinned, every transfer is hashed as it is sent: damage found
// on the way ends the transfer short, which every client reports.
TEST(DamagedFiles, DamageFoundWhileSendingEndsTheTransferAsAFailure) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[http]\npinned_bytes = 0\n");
  const std::string archivist = server->CreateToken("archivist");
  Deposited p = Deposit(server.get(), dir, archivist, 64);
  // Whole files still arrive whole, ranges too.
  HttpReply good = server->Request("GET", FileUrl(p, 1), archivist);
  ASSERT_EQ(good.status, 200);
  EXPECT_EQ(Sha256Hex(good.body), p.files[1]["sha256"].get<std::string>());
  HttpReply part = server->Request("GET", FileUrl(p, 1), archivist, "", {{"Range", "bytes=2-9"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, good.body.substr(2, 8));
  EXPECT_EQ(Curl(server->port(), FileUrl(p, 1), archivist), 0);

  // A DIP that meets damage on the way is cut off before its end.
  FlipByte(BlobPath(dir.Join("data"), p.files[3]["sha256"]), 0);
  EXPECT_NE(Curl(server->port(), "/api/v1/packages/" + p.id + "/dip", archivist), 0);
  ExpectDamaged(server->Request("GET", FileUrl(p, 3), archivist), "corrupt");

  FlipByte(BlobPath(dir.Join("data"), p.files[1]["sha256"]), good.body.size() - 1);
  EXPECT_NE(Curl(server->port(), FileUrl(p, 1), archivist), 0) << "curl took a damaged file for a whole one";
  ExpectDamaged(server->Request("GET", FileUrl(p, 1), archivist), "corrupt");  // now known

  FlipByte(BlobPath(dir.Join("data"), p.files[2]["sha256"]), 1);
  EXPECT_NE(Curl(server->port(), FileUrl(p, 2), archivist, "-r 0-0"), 0) << "a range of a damaged file";
  ExpectDamaged(server->Request("GET", FileUrl(p, 2), archivist), "corrupt");

  // The server goes on serving what is whole.
  EXPECT_EQ(server->Request("GET", FileUrl(p, 0), archivist).status, 200);
}

}  // namespace
}  // namespace bevara::testing
