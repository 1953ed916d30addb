// The parts of an AIP version: format identification, OCFL inventories, the
// version log.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "src/common/record_log.h"
#include "storage/aip/format_identifier.h"
#include "storage/aip/inventory.h"
#include "storage/aip/version_log.h"
#include "tests/test_util.h"

namespace bevara::storage {
namespace {

TEST(FormatIdentifierTest, IdentifiesCommonArchiveFormats) {
  auto id = FormatIdentifier::Create().value();
  auto identify = [&](const std::string& bytes) { return id->Identify(bytes.data(), bytes.size()); };
  EXPECT_EQ(identify("Beslut i ärendet om bygglov.\nDen sökande har...\n"), "text/plain");
  EXPECT_EQ(identify("Ärendet gäller bygglov.\n"), "text/plain");
  EXPECT_EQ(identify("<?xml version=\"1.0\"?>\n<a/>\n"), "text/xml");
  EXPECT_EQ(identify("<!DOCTYPE html>\n<html><head><title>x</title></head><body>hej</body></html>\n"), "text/html");
  EXPECT_EQ(identify("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "application/pdf");
  EXPECT_EQ(identify(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(32, '\0')), "image/png");
  EXPECT_EQ(identify("From: a@example.se\nTo: b@example.se\nSubject: hej\nDate: Mon, 1 Jan 2024 10:00:00 +0100\n"
                     "Message-ID: <1@example.se>\n\nbody\n"),
            "message/rfc822");
  EXPECT_EQ(identify("{\"a\": [1, 2, 3]}\n"), "application/json");
  EXPECT_EQ(identify(""), "application/x-empty");
}

TEST(FormatIdentifierTest, DeclaredAndDetectedTypesAgreeWhereBytesCannotTell) {
  EXPECT_TRUE(MimeTypesAgree("application/xml", "text/xml"));
  EXPECT_TRUE(MimeTypesAgree("application/mets+xml", "text/xml"));
  EXPECT_TRUE(MimeTypesAgree("Text/Plain; charset=UTF-8", "text/plain"));
  EXPECT_TRUE(MimeTypesAgree("text/csv", "text/plain"));
  EXPECT_TRUE(MimeTypesAgree("application/octet-stream", "image/png"));
  EXPECT_FALSE(MimeTypesAgree("application/pdf", "text/plain"));
  EXPECT_FALSE(MimeTypesAgree("image/jpeg", "image/png"));
}

TEST(InventoryTest, VersionsShareContentAndCarryFixity) {
  InventoryVersion v1{"2026-01-01T00:00:00Z", "first", "Kommunen", "", {}, {}};
  v1.state["aa"] = {"a.txt", "copy-of-a.txt"};
  v1.state["bb"] = {"b.txt"};
  const std::map<std::string, std::string> a_digests = {{"md5", "0123"}};
  v1.declared_digests["a.txt"] = &a_digests;
  auto first = nlohmann::json::parse(NextInventory("", "obj-1", v1).value());
  EXPECT_EQ(first["head"], "v1");
  EXPECT_EQ(first["manifest"]["aa"], nlohmann::json::array({"v1/content/a.txt"}));
  EXPECT_EQ(first["fixity"]["md5"]["0123"], nlohmann::json::array({"v1/content/a.txt"}));
  EXPECT_EQ(first["versions"]["v1"]["user"]["name"], "Kommunen");

  InventoryVersion v2{"2026-02-01T00:00:00Z", "second", "", "", {}, {}};
  v2.state["aa"] = {"a.txt"};
  v2.state["cc"] = {"c.txt"};
  std::string text = NextInventory(first.dump(), "obj-1", v2).value();
  auto second = nlohmann::json::parse(text);
  EXPECT_EQ(second["head"], "v2");
  EXPECT_EQ(second["manifest"]["aa"], nlohmann::json::array({"v1/content/a.txt"}));
  EXPECT_EQ(second["manifest"]["cc"], nlohmann::json::array({"v2/content/c.txt"}));
  EXPECT_TRUE(second["manifest"].contains("bb"));  // v1 still needs it
  EXPECT_EQ(second["versions"].size(), 2u);
  EXPECT_FALSE(NextInventory(first.dump(), "another-object", v2).ok());
  EXPECT_FALSE(NextInventory("{not json", "obj-1", v2).ok());
}

VersionLogEntry Version(const std::string& id, uint32_t v, char record) {
  return {VersionLogKind::kVersion, id, v, "2026-01-01T00:00:00.000Z", std::string(64, record), "", ""};
}

TEST(VersionLogTest, EntriesOfEveryKindSurviveReopenAndATornTailIsSetAside) {
  testing::TempDir dir;
  const std::string path = dir.Join("versions.log");
  {
    auto log = VersionLog::Open(Env::Default(), path).value();
    ASSERT_TRUE(log->Append(Version("a", 1, 'a')).ok());
    ASSERT_TRUE(log->Append({VersionLogKind::kRemoval, "a", 1, "2026-01-03T00:00:00.000Z", "", "disposal 2026/17",
                             "archivist ab12"})
                    .ok());
  }
  const std::string intact = testing::ReadFile(path);
  testing::WriteFile(path, intact + "00000040 0badf00d {\"id\":\"b\",\"vers");  // an append a crash cut
  auto log = VersionLog::Open(Env::Default(), path).value();
  EXPECT_EQ(testing::ReadFile(path), intact);
  ASSERT_TRUE(log->Append(Version("c", 1, 'c')).ok());
  std::vector<VersionLogEntry> entries;
  ASSERT_TRUE(log->ForEach([&](const VersionLogEntry& e) { return entries.push_back(e), Status::OK(); }).ok());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].record, std::string(64, 'a'));
  EXPECT_EQ(entries[1].kind, VersionLogKind::kRemoval);
  EXPECT_EQ(entries[1].reason, "disposal 2026/17");
  EXPECT_EQ(entries[2].package_id, "c");
}

TEST(VersionLogTest, TheFirstBevarasLogIsReadAndAnUnknownKindIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.Join("versions.log");
  const std::string record(64, 'a');
  testing::WriteFile(path, "{\"id\":\"a\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\",\"record\":\"" + record +
                               "\"}\n");
  {
    auto log = VersionLog::Open(Env::Default(), path).value();
    std::vector<VersionLogEntry> entries;
    ASSERT_TRUE(log->ForEach([&](const VersionLogEntry& e) { return entries.push_back(e), Status::OK(); }).ok());
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].kind, VersionLogKind::kVersion);
    EXPECT_EQ(entries[0].record, record);
  }
  // A kind a later bevara may write: nothing is done from a partial view.
  auto raw = RecordLog::Open(Env::Default(), path).value();
  ASSERT_TRUE(raw->Append(R"({"kind":"migration","id":"a","version":1,"created":"x"})").ok());
  raw.reset();
  auto log = VersionLog::Open(Env::Default(), path).value();
  Status s = log->ForEach([](const VersionLogEntry&) { return Status::OK(); });
  EXPECT_EQ(s.code(), StatusCode::kNotSupported) << s.ToString();
  EXPECT_NE(s.message().find("versions.log"), std::string::npos);
}

}  // namespace
}  // namespace bevara::storage
