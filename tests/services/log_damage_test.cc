// Every append-only file bevara keeps is a record log, and every one of them
// names its damage: a log cut short, a byte changed in the middle, a record
// taken out of the middle. Opening it is then an error that names the file
// and the offset, never a silent skip of what was acknowledged.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "src/access/access_decisions.h"
#include "src/access/audit_log.h"
#include "src/access/record_requests.h"
#include "src/access/token_store.h"
#include "src/services/job_store.h"
#include "storage/aip/version_log.h"
#include "tests/test_util.h"

namespace bevara {
namespace {

using testing::TempDir;

struct LogUser {
  std::string name;  // the log's file name in its directory
  std::function<void(const std::string& dir)> fill;   // writes several records
  std::function<Status(const std::string& dir)> open;  // opens it as its owner does
};

std::vector<LogUser> Users() {
  const std::string record = "r0123456789abcdef01234567";
  return {
      {"versions.log",
       [](const std::string& dir) {
         auto log = storage::VersionLog::Open(Env::Default(), dir + "/versions.log").value();
         for (uint32_t v = 1; v <= 4; ++v) {
           ASSERT_TRUE(log->Append({storage::VersionLogKind::kVersion, "p", v, "t", std::string(64, 'a'), "", ""}).ok());
         }
       },
       [](const std::string& dir) { return storage::VersionLog::Open(Env::Default(), dir + "/versions.log").status(); }},
      {"audit.log",
       [](const std::string& dir) {
         auto log = access::AuditLog::Open(Env::Default(), dir).value();
         for (int i = 0; i < 4; ++i) ASSERT_TRUE(log->Append({"a", "admin", "x", std::to_string(i), "ok", "", ""}, true).ok());
       },
       [](const std::string& dir) { return access::AuditLog::Open(Env::Default(), dir).status(); }},
      {"tokens.log",
       [](const std::string& dir) {
         auto store = access::TokenStore::Open(Env::Default(), dir).value();
         for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->Create({access::Role::kArchivist, "", "", "t"}).ok());
       },
       [](const std::string& dir) { return access::TokenStore::Open(Env::Default(), dir).status(); }},
      {"access-decisions.log",
       [](const std::string& dir) {
         auto d = access::AccessDecisions::Open(Env::Default(), dir).value();
         for (int i = 0; i < 4; ++i) ASSERT_TRUE(d->Record({"p", "r" + std::to_string(i), "secret", "skäl", "t", "at", 1, {}}).ok());
       },
       [](const std::string& dir) { return access::AccessDecisions::Open(Env::Default(), dir).status(); }},
      {"requests.log",
       [record](const std::string& dir) {
         auto r = access::RecordRequests::Open(Env::Default(), dir).value();
         for (int i = 0; i < 4; ++i) ASSERT_TRUE(r->Create({{record}, "", "beskrivning", "a@b.se"}, "now").ok());
       },
       [](const std::string& dir) { return access::RecordRequests::Open(Env::Default(), dir).status(); }},
      {"jobs.log",
       [](const std::string& dir) {
         auto jobs = services::JobStore::Open(Env::Default(), dir).value();
         for (int i = 0; i < 4; ++i) {
           services::Job job;
           job.id = "job" + std::to_string(i);
           ASSERT_TRUE(jobs->Add(job).ok());
         }
       },
       [](const std::string& dir) { return services::JobStore::Open(Env::Default(), dir).status(); }},
  };
}

// The lines of a record log: its header line, then one record a line.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find("\n0000", start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl + 1 - start));
  }
  out.push_back(text.substr(start));
  return out;
}

TEST(LogDamageTest, EveryLogNamesItsDamageAndOpensAgainOnceRepaired) {
  for (const LogUser& user : Users()) {
    SCOPED_TRACE(user.name);
    TempDir dir;
    user.fill(dir.path());
    const std::string path = dir.Join(user.name);
    const std::string intact = testing::ReadFile(path);
    std::vector<std::string> lines = Lines(intact);
    ASSERT_GE(lines.size(), 5u) << "the header and four records";
    std::string flipped = intact;
    flipped[lines[0].size() + lines[1].size() + 25] ^= 0x20;  // inside the second record's payload
    std::string without_middle;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i != 2) without_middle += lines[i];
    }
    const std::vector<std::pair<std::string, std::string>> damages = {
        {"cut short by 5 bytes", intact.substr(0, intact.size() - 5)},
        {"a byte changed in the middle", flipped},
        {"a record taken out of the middle", without_middle},
    };
    for (const auto& [what, content] : damages) {
      SCOPED_TRACE(what);
      testing::WriteFile(path, content);
      Status s = user.open(dir.path());
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
      EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
      EXPECT_NE(s.message().find("offset"), std::string::npos) << s.ToString();
      EXPECT_EQ(testing::ReadFile(path), content) << "a failed open changed the log";
    }
    testing::WriteFile(path, intact);
    EXPECT_TRUE(user.open(dir.path()).ok());
  }
}

}  // namespace
}  // namespace bevara
