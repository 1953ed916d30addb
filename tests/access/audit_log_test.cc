#include "src/access/audit_log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/digest.h"
#include "src/common/log_head.h"
#include "src/common/record_log.h"
#include "src/common/record_log_format.h"
#include "tests/server/server_fixture.h"
#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

// The log's lines: its header, then one record (entry) a line.
std::vector<std::string> Lines(const std::string& path) {
  std::istringstream in(testing::ReadFile(path));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << "\n";
}

void WriteLog(const std::string& dir, int entries) {
  auto log = AuditLog::Open(Env::Default(), dir);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < entries; ++i) {
    ASSERT_TRUE((*log)->Append({"tok" + std::to_string(i), "archivist", "file.read", "pkg/" + std::to_string(i), "ok", "", "127.0.0.1"}).ok());
  }
}

LogVerification Verify(const std::string& dir) {
  auto v = VerifyAuditLog(Env::Default(), dir);
  EXPECT_TRUE(v.ok());
  return *v;
}

TEST(AuditLog, AnIntactChainVerifies) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  WriteLog(dir.path(), 5);  // reopened: the chain continues
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 15u);
}

TEST(AuditLog, AChangedEntryIsFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  auto at = lines[5].find("pkg/4");
  lines[5].replace(at, 5, "pkg/9");
  WriteLines(dir.Join("audit.log"), lines);
  LogVerification v = Verify(dir.path());
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.entry, 5u);
  EXPECT_NE(v.problem.find("offset"), std::string::npos) << v.problem;
}

// Whoever edits an entry can make its record's checksum, and the log's
// head, fit again; the hash chain still tells.
TEST(AuditLog, AChangedEntryWithAFittingChecksumAndHeadIsFoundByTheChain) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  std::string changed = lines[5].substr(18);
  changed.replace(changed.find("pkg/4"), 5, "pkg/9");
  uint32_t crc = 0;
  lines[5] = FrameRecord(changed, &crc);
  lines[5].pop_back();  // WriteLines adds the newline
  WriteLines(dir.Join("audit.log"), lines);
  LogTally tally;
  for (size_t i = 1; i < lines.size(); ++i) {
    uint32_t record_crc = 0;
    ASSERT_TRUE(ParseHex32(lines[i].substr(9, 8), &record_crc));
    tally.Add(record_crc);
  }
  auto head = LogHeadFile::Open(Env::Default(), dir.Join("audit.log.head"));
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE((*head)->Write(testing::ReadFile(dir.Join("audit.log")).size(), tally).ok());
  ASSERT_TRUE(ReadRecordLog(Env::Default(), dir.Join("audit.log"), nullptr).ok()) << "the forgery fits the record log";
  LogVerification v = Verify(dir.path());
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.entry, 5u);
}

TEST(AuditLog, ARemovedEntryIsFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  lines.erase(lines.begin() + 4);
  WriteLines(dir.Join("audit.log"), lines);
  EXPECT_FALSE(Verify(dir.path()).ok());
}

TEST(AuditLog, ReorderedEntriesAreFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  std::swap(lines[3], lines[7]);
  WriteLines(dir.Join("audit.log"), lines);
  EXPECT_FALSE(Verify(dir.path()).ok());
}

TEST(AuditLog, EntriesCutFromTheEndAreFound) {
  TempDir dir;
  WriteLog(dir.path(), 10);
  auto lines = Lines(dir.Join("audit.log"));
  lines.resize(8);
  WriteLines(dir.Join("audit.log"), lines);
  LogVerification v = Verify(dir.path());
  EXPECT_FALSE(v.ok());
  EXPECT_NE(v.problem.find("acknowledged records are missing"), std::string::npos) << v.problem;
  // And a log that will not verify does not open for more entries either.
  EXPECT_FALSE(AuditLog::Open(Env::Default(), dir.path()).ok());
}

TEST(AuditLog, ATornLastRecordFromACrashIsSetAsideAtTheNextOpen) {
  TempDir dir;
  WriteLog(dir.path(), 3);
  std::ofstream(dir.Join("audit.log"), std::ios::app) << "000000c8 01234567 {\"seq\":4,\"tim";
  WriteLog(dir.path(), 2);
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 5u);
}

TEST(AuditLog, TwoWritersKeepOneChain) {
  TempDir dir;
  auto a = AuditLog::Open(Env::Default(), dir.path());
  auto b = AuditLog::Open(Env::Default(), dir.path());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(((i % 3) ? *a : *b)->Append({"t", "admin", "token.create", std::to_string(i), "ok", "", ""}).ok());
  }
  a->reset();
  b->reset();
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 20u);
}

TEST(AuditLog, AnOlderBevarasLogOfJsonLinesIsKeptAndGoesOn) {
  TempDir dir;
  // Two entries as the JSON-lines log wrote them, with an audit.head.
  nlohmann::json first = {{"seq", 1}, {"time", "t"}, {"actor", "a"}, {"role", "admin"}, {"action", "x"},
                          {"target", ""}, {"outcome", "ok"}, {"detail", ""}, {"client", ""}, {"prev", std::string(64, '0')}};
  first["hash"] = Sha256Hex(first.dump());
  testing::WriteFile(dir.Join("audit.log"), first.dump() + "\n");
  testing::WriteFile(dir.Join("audit.head"), "{\"seq\":1}\n");
  WriteLog(dir.path(), 2);
  LogVerification v = Verify(dir.path());
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 3u);
  EXPECT_EQ(testing::ReadFile(dir.Join("audit.log.migrated")), first.dump() + "\n");
}

}  // namespace
}  // namespace bevara::access
