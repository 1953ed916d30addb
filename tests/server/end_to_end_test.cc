// A deposit over HTTP, from the e-service's request to the archivist's DIP.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>

#include "src/common/digest.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"
#include "tests/support/archive_fixture.h"

namespace bevara::testing {
namespace {

// Every regular entry of a tar or zip: path -> content.
std::map<std::string, std::string> ReadArchive(const std::string& path) {
  std::map<std::string, std::string> out;
  struct archive* a = archive_read_new();
  archive_read_support_format_all(a);
  archive_read_support_filter_all(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK) << archive_error_string(a);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    EXPECT_EQ(archive_read_data(a, data.data(), data.size()), static_cast<la_ssize_t>(data.size()));
    out[archive_entry_pathname(e)] = data;
  }
  archive_read_free(a);
  return out;
}

TEST(EndToEnd, DepositPollFetchEveryFileAndTheDip) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string eservice = server->CreateToken("eservice", "212000-0001");
  const std::string archivist = server->CreateToken("archivist");
  std::string package = GenerateProducerPackage(dir, 41, "212000-0001", 12);

  HttpReply job = server->DepositAndWait(eservice, package);
  ASSERT_EQ(job.status, 200) << job.body;
  auto j = nlohmann::json::parse(job.body);
  ASSERT_EQ(j["state"], "archived") << job.body;
  const std::string id = j["package_id"];
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["receipt"]["aip"]["package_id"], id);
  EXPECT_FALSE(j["receipt"]["aip"]["events"].empty());

  // Every file of the package as listed, fetched and compared with what was sent.
  std::map<std::string, std::string> sent = ReadArchive(package);
  HttpReply listing = server->Request("GET", "/api/v1/packages/" + id, archivist);
  ASSERT_EQ(listing.status, 200) << listing.body;
  auto files = nlohmann::json::parse(listing.body)["files"];
  size_t submission_files = 0;
  for (const auto& f : files) {
    HttpReply got = server->Request("GET", f["href"], eservice);
    ASSERT_EQ(got.status, 200) << f["href"];
    EXPECT_EQ(Sha256Hex(got.body), f["sha256"]) << f["path"];
    EXPECT_EQ(got.Header("etag"), "\"" + f["sha256"].get<std::string>() + "\"");
    const std::string path = f["path"];
    if (path.rfind("submission/", 0) == 0) {
      ++submission_files;
      EXPECT_EQ(got.body, sent[id + "/" + path.substr(11)]) << path;
    }
  }
  EXPECT_EQ(submission_files, sent.size());

  // The DIP: a zip of the same files, whose submission/ is a valid package again.
  HttpReply dip = server->Request("GET", "/api/v1/packages/" + id + "/dip", archivist);
  ASSERT_EQ(dip.status, 200);
  EXPECT_EQ(dip.Header("content-type"), "application/zip");
  std::ofstream(dir.Join("dip.zip"), std::ios::binary) << dip.body;
  std::map<std::string, std::string> dip_files = ReadArchive(dir.Join("dip.zip"));
  EXPECT_EQ(dip_files.size(), files.size() + 1);  // + bevara-version.json
  for (const auto& f : files) {
    EXPECT_EQ(Sha256Hex(dip_files[id + "/" + f["path"].get<std::string>()]), f["sha256"]) << f["path"];
  }
  ASSERT_EQ(::system(("mkdir -p " + dir.Join("dip") + " && cd " + dir.Join("dip") + " && unzip -q ../dip.zip").c_str()), 0);
  CommandRun valid = RunBevara("validate " + dir.Join("dip/" + id + "/submission"));
  EXPECT_EQ(valid.exit_code, 0) << valid.out;

  // The events and the AIP METS.
  HttpReply events = server->Request("GET", "/api/v1/packages/" + id + "/events", archivist);
  ASSERT_EQ(events.status, 200);
  EXPECT_NE(events.body.find("\"ingestion\""), std::string::npos);
  HttpReply mets = server->Request("GET", "/api/v1/packages/" + id + "/mets", archivist);
  ASSERT_EQ(mets.status, 200);
  EXPECT_NE(mets.body.find("OAISPACKAGETYPE=\"AIP\""), std::string::npos);
  EXPECT_EQ(mets.Header("content-disposition").rfind("attachment", 0), 0u);

  // And all of it is in the audit log, whose chain holds.
  server.reset();
  CommandRun verify = RunBevara("log verify --data " + dir.Join("data"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST(EndToEnd, FirstStartWritesAnAdminTokenOnlyItsUserCanRead) {
  TempDir dir;
  std::string first_token;
  {
    auto server = ServerProcess::Start(dir.Join("data"));
    struct stat st {};
    ASSERT_EQ(::stat(dir.Join("data/admin.token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    first_token = server->admin_token();
    EXPECT_EQ(server->Request("GET", "/api/v1/tokens", first_token).status, 200);
    // Only its hash is kept beside the other tokens.
    EXPECT_EQ(ReadFile(dir.Join("data/access/tokens.log")).find(first_token), std::string::npos);
  }
  // A second start keeps the admin token it has.
  auto server = ServerProcess::Start(dir.Join("data"));
  EXPECT_EQ(server->admin_token(), first_token);
}

TEST(EndToEnd, AZipDepositGoesThroughAnUploadFileAndIsArchived) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  HttpReply job = server->DepositAndWait(archivist, GeneratePackage(dir, 48, 6, "zip"));
  ASSERT_EQ(job.status, 200) << job.body;
  auto j = nlohmann::json::parse(job.body);
  EXPECT_EQ(j["state"], "archived") << job.body;
  EXPECT_EQ(j["receipt"]["validation"]["format"], "zip") << job.body.substr(0, 400);
}

TEST(EndToEnd, RangesConditionalRequestsAndSafeDisposition) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  HttpReply job = server->DepositAndWait(archivist, GenerateProducerPackage(dir, 42, "212000-0001", 3));
  const std::string id = nlohmann::json::parse(job.body)["package_id"];
  const std::string readme = "/api/v1/packages/" + id + "/files/submission/documentation/README.txt";
  HttpReply whole = server->Request("GET", readme, archivist);
  ASSERT_EQ(whole.status, 200);
  ASSERT_GT(whole.body.size(), 20u);

  HttpReply part = server->Request("GET", readme, archivist, "", {{"Range", "bytes=5-14"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, whole.body.substr(5, 10));
  EXPECT_EQ(part.Header("content-range"), "bytes 5-14/" + std::to_string(whole.body.size()));
  HttpReply suffix = server->Request("GET", readme, archivist, "", {{"Range", "bytes=-4"}});
  EXPECT_EQ(suffix.body, whole.body.substr(whole.body.size() - 4));
  HttpReply beyond = server->Request("GET", readme, archivist, "", {{"Range", "bytes=100000-"}});
  EXPECT_EQ(beyond.status, 416);
  HttpReply cached = server->Request("GET", readme, archivist, "", {{"If-None-Match", whole.Header("etag")}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());

  // XML could run script in a browser: always an attachment, never sniffed.
  HttpReply xml = server->Request("GET", "/api/v1/packages/" + id + "/files/submission/METS.xml", archivist);
  EXPECT_EQ(xml.Header("content-disposition").rfind("attachment", 0), 0u) << xml.Header("content-disposition");
  EXPECT_EQ(xml.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(whole.Header("content-disposition").rfind("inline", 0), 0u);

  HttpReply missing = server->Request("GET", "/api/v1/packages/" + id + "/files/submission/nope.txt", archivist);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "not_found");
}

TEST(EndToEnd, TheCaseAndItsRecordsWithTheirAccessState) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  HttpReply job = server->DepositAndWait(archivist, GenerateProducerPackage(dir, 52, "212000-0001", 20));
  const std::string id = nlohmann::json::parse(job.body)["package_id"];
  HttpReply c = server->Request("GET", "/api/v1/packages/" + id + "/case", archivist);
  ASSERT_EQ(c.status, 200) << c.body;
  auto j = nlohmann::json::parse(c.body);
  EXPECT_EQ(j["source"], "submission/metadata/descriptive/erms.xml");
  EXPECT_EQ(j["case"]["creator"]["id"], "212000-0001");
  EXPECT_EQ(j["case"]["classification"]["code"], "3.2.1");
  ASSERT_EQ(j["records"].size(), 20u);
  int secret = 0;
  for (const auto& r : j["records"]) {
    const std::string state = r["access"]["state"];
    EXPECT_EQ(state, r.contains("secrecy") ? "secret" : "public") << r.dump();
    if (state == "secret") {
      ++secret;
      EXPECT_EQ(r["access"]["ground"], "OSL 26 kap. 1 §");
      EXPECT_EQ(r["secrecy"]["osl"]["chapter"], 26);
    }
    // Every record's files are files of the package, fetchable by their links.
    ASSERT_EQ(r["files"].size(), 1u);
    HttpReply f = server->Request("GET", r["files"][0]["href"], archivist);
    EXPECT_EQ(f.status, 200) << r["files"][0]["href"];
  }
  EXPECT_GT(secret, 0);

  // An archivist releases a secret record: at once, with the reason, in the log.
  std::string released;
  for (const auto& r : j["records"]) {
    if (r["access"]["state"] == "secret") released = r["id"];
  }
  const std::string decide = "/api/v1/packages/" + id + "/records/" + released + "/access";
  EXPECT_EQ(server->Request("PUT", decide, archivist, R"({"state":"public"})").status, 400) << "a reason is required";
  EXPECT_EQ(server->Request("PUT", decide, archivist, R"({"state":"open","reason":"x"})").status, 400);
  HttpReply changed = server->Request("PUT", decide, archivist, R"({"state":"public","reason":"Sekretessprövning 2026-11-24"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(nlohmann::json::parse(changed.body)["access"]["state"], "public");
  auto after = nlohmann::json::parse(server->Request("GET", "/api/v1/packages/" + id + "/case", archivist).body);
  for (const auto& r : after["records"]) {
    if (r["id"] == released) {
      EXPECT_EQ(r["access"]["state"], "public");
      EXPECT_EQ(r["access"]["decision"]["reason"], "Sekretessprövning 2026-11-24");
    }
  }
  EXPECT_EQ(server->Request("PUT", "/api/v1/packages/" + id + "/records/no-such/access", archivist,
                            R"({"state":"public","reason":"x"})").status, 404);
  // The decision survives a restart.
  server.reset();
  server = ServerProcess::Start(dir.Join("data"));
  after = nlohmann::json::parse(server->Request("GET", "/api/v1/packages/" + id + "/case", archivist).body);
  for (const auto& r : after["records"]) {
    if (r["id"] == released) {
      EXPECT_EQ(r["access"]["state"], "public");
    }
  }
  // A package without ERMS has no case.
  HttpReply none = server->Request("GET", "/api/v1/packages/no-such/case", archivist);
  EXPECT_EQ(none.status, 404);
}

TEST(EndToEnd, NothingIsServedThatCannotBeRecorded) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  HttpReply job = server->DepositAndWait(archivist, GenerateProducerPackage(dir, 49, "212000-0001", 2));
  const std::string id = nlohmann::json::parse(job.body)["package_id"];
  const std::string file = "/api/v1/packages/" + id + "/files/submission/documentation/README.txt";
  ASSERT_EQ(server->Request("GET", file, archivist).status, 200);
  // The audit log's lock becomes impossible to take: appends fail.
  const std::string lock = dir.Join("data/access/audit.log.lock");
  ASSERT_EQ(::unlink(lock.c_str()), 0);
  ASSERT_EQ(::mkdir(lock.c_str(), 0700), 0);
  HttpReply refused = server->Request("GET", file, archivist);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"]["code"], "audit_log_unavailable");
  EXPECT_EQ(server->Request("GET", "/api/v1/packages/" + id + "/dip", archivist).status, 503);
  ASSERT_EQ(::rmdir(lock.c_str()), 0);
  EXPECT_EQ(server->Request("GET", file, archivist).status, 200);
}

TEST(EndToEnd, RepeatedDepositsReturnTheFirstResult) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  std::string a = GenerateProducerPackage(dir, 43, "212000-0001", 3);
  std::string b = GenerateProducerPackage(dir, 44, "212000-0001", 3);
  HttpReply first = server->Upload("/api/v1/packages", archivist, a, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 202);
  HttpReply done = server->WaitForJob(first.Header("location"), archivist);
  // Same key: the first job. Same bytes without a key: the first job too.
  HttpReply again = server->Upload("/api/v1/packages", archivist, a, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Header("location"), first.Header("location"));
  EXPECT_EQ(again.body, done.body);
  HttpReply same_bytes = server->Upload("/api/v1/packages", archivist, a);
  EXPECT_EQ(same_bytes.Header("location"), first.Header("location"));
  // The key with other bytes is a client error.
  HttpReply other = server->Upload("/api/v1/packages", archivist, b, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(other.status, 422) << other.body;
  // ...and was not archived, although an idle worker began ingesting it as it arrived.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  HttpReply list = server->Request("GET", "/api/v1/packages", archivist);
  EXPECT_EQ(nlohmann::json::parse(list.body)["packages"].size(), 1u) << list.body;
}

// Identical deposits at the same moment: one job, and every client is told
// of it (none hears of an error because the first was still being recorded).
TEST(EndToEnd, IdenticalDepositsAtOnceAreOneJob) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  const std::string a = GenerateProducerPackage(dir, 45, "212000-0001", 3);
  constexpr int kClients = 6;
  std::vector<HttpReply> replies(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] { replies[i] = server->Upload("/api/v1/packages", archivist, a, {{"Idempotency-Key", "same"}}); });
  }
  for (auto& t : clients) t.join();
  std::set<std::string> jobs;
  for (const HttpReply& r : replies) {
    EXPECT_TRUE(r.status == 200 || r.status == 202) << r.status << " " << r.body;
    jobs.insert(r.Header("location"));
  }
  EXPECT_EQ(jobs.size(), 1u);
  server->WaitForJob(*jobs.begin(), archivist);
  HttpReply list = server->Request("GET", "/api/v1/packages", archivist);
  EXPECT_EQ(nlohmann::json::parse(list.body)["packages"].size(), 1u) << list.body;
}

TEST(EndToEnd, AnEServiceDepositsOnlyForItsOwnProducer) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string eservice = server->CreateToken("eservice", "212000-0001");
  HttpReply job = server->DepositAndWait(eservice, GenerateProducerPackage(dir, 45, "556000-0002", 3));
  ASSERT_EQ(job.status, 200) << job.body;
  auto j = nlohmann::json::parse(job.body);
  EXPECT_EQ(j["state"], "rejected");
  EXPECT_EQ(j["error"]["status"], 403);
  EXPECT_NE(j["error"]["message"].get<std::string>().find("212000-0001"), std::string::npos);
  HttpReply list = server->Request("GET", "/api/v1/packages", server->CreateToken("archivist"));
  EXPECT_EQ(nlohmann::json::parse(list.body)["packages"].size(), 0u) << "nothing was stored";
}

TEST(EndToEnd, AuditsRunInTheBackgroundAndFindDamage) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string auditor = server->CreateToken("auditor");
  const std::string archivist = server->CreateToken("archivist");
  HttpReply job = server->DepositAndWait(archivist, GenerateProducerPackage(dir, 46, "212000-0001", 4));
  auto j = nlohmann::json::parse(job.body);
  const std::string id = j["package_id"];
  auto start_and_wait = [&]() {
    HttpReply started = server->Request("POST", "/api/v1/audits", auditor);
    EXPECT_EQ(started.status, 202) << started.body;
    HttpReply run;
    for (int i = 0; i < 200; ++i) {
      run = server->Request("GET", started.Header("location"), auditor);
      if (nlohmann::json::parse(run.body)["state"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return nlohmann::json::parse(run.body);
  };
  EXPECT_EQ(start_and_wait()["state"], "clean");
  // Flip a byte of one stored file.
  std::string sha = j["receipt"]["aip"]["files"][2]["sha256"];
  std::string blob = dir.Join("data/store/blobs/sha256/" + sha.substr(0, 2) + "/" + sha);
  ASSERT_EQ(::chmod(blob.c_str(), 0644), 0);
  std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
  char c;
  f.read(&c, 1);
  f.seekp(0);
  c ^= 1;
  f.write(&c, 1);
  f.close();
  auto report = start_and_wait();
  EXPECT_EQ(report["state"], "problems");
  EXPECT_NE(report.dump().find(id), std::string::npos);
  // The finding outlives the server.
  server.reset();
  server = ServerProcess::Start(dir.Join("data"));
  HttpReply again = server->Request("GET", "/api/v1/audits/" + report["id"].get<std::string>(), auditor);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(nlohmann::json::parse(again.body)["report"], report["report"]);
}

}  // namespace
}  // namespace bevara::testing

namespace bevara::testing {
namespace {

// The server's preservation checks: the format policy from [formats], the
// formats in a package's answer and GET /api/v1/formats; [scan] required
// with no database refuses deposits before a byte is taken.
TEST(EndToEnd, FormatsAreRecordedAndUnscannedDepositsRefused) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[formats]\npolicy_action = warn\n");
  ASSERT_TRUE(server);
  const std::string archivist = server->CreateToken("archivist");
  HttpReply job = server->DepositAndWait(archivist, GeneratePackage(dir, 91, 2));
  ASSERT_EQ(job.status, 200) << job.body;
  const std::string id = nlohmann::json::parse(job.body)["package_id"];
  HttpReply package = server->Request("GET", "/api/v1/packages/" + id, archivist);
  ASSERT_EQ(package.status, 200);
  EXPECT_NE(package.body.find("\"puid\":\"x-fmt/111\""), std::string::npos) << package.body;
  HttpReply formats = server->Request("GET", "/api/v1/formats", archivist);
  ASSERT_EQ(formats.status, 200) << formats.body;
  EXPECT_EQ(nlohmann::json::parse(formats.body)["packages"], 1);
  server.reset();

  TempDir other;
  auto strict = ServerProcess::Start(other.Join("data"), "[scan]\nrequired = true\n");
  ASSERT_TRUE(strict);
  HttpReply refused = strict->Upload("/api/v1/packages", strict->CreateToken("archivist"), GeneratePackage(other, 92, 2));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("virus_scan_unavailable"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.Header("retry-after"), "");
}

}  // namespace
}  // namespace bevara::testing
