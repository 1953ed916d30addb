#include "src/search/record_document.h"

#include <gtest/gtest.h>

namespace bevara::search {
namespace {

IndexedRecord Record() {
  IndexedRecord r;
  r.package_id = "pkg-1";
  r.record_id = "h1";
  r.id = RecordSearchId(r.package_id, r.record_id);
  r.version = 2;
  r.case_number = "KS 2024-17";
  r.title = "Beslut om bygglov för 19121212-1212";
  r.creator = "Byggnadsnämnden";
  r.date = "2024-05-06";
  r.access_state = "public";
  r.visible_from = kVisibleNow;
  r.text = "Texten \"citerad\" med radbrytning\noch personnummer 19121212-1212.";
  return r;
}

TEST(RecordDocumentTest, StoresIdPackageSummaryAndTextApart) {
  const IndexedRecord r = Record();
  const std::string data = ToDocument(r, Audience::kArchive).get_data();
  auto stored = ParseStoredRecord(data);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, r.id);
  EXPECT_EQ(stored->package_id, "pkg-1");
  EXPECT_EQ(stored->text, r.text);  // as extracted: not JSON-escaped
  const auto summary = nlohmann::json::parse(stored->summary_json);
  EXPECT_EQ(summary["id"], r.id);
  EXPECT_EQ(summary["title"], r.title);
  EXPECT_EQ(summary["version"], 2);
  EXPECT_FALSE(summary.contains("package_id"));  // kept apart: the public's hits leave it out
  EXPECT_EQ(summary["access"]["state"], "public");
}

TEST(RecordDocumentTest, ThePublicDocumentIsMasked) {
  const std::string data = ToDocument(Record(), Audience::kPublic).get_data();
  EXPECT_EQ(data.find("1212-1212"), std::string::npos);
  auto stored = ParseStoredRecord(data);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(nlohmann::json::parse(stored->summary_json).contains("access"));
}

TEST(RecordDocumentTest, SummaryOfPutsThePackageBack) {
  const nlohmann::json summary = SummaryOf(ToDocument(Record(), Audience::kArchive));
  EXPECT_EQ(summary["package_id"], "pkg-1");
  EXPECT_EQ(summary["case_number"], "KS 2024-17");
}

TEST(RecordDocumentTest, MalformedDataIsRefused) {
  const std::string data = ToDocument(Record(), Audience::kArchive).get_data();
  // Cut inside each length and each of the four length-prefixed parts.
  auto stored = ParseStoredRecord(data);
  ASSERT_TRUE(stored);
  const size_t parts_end = static_cast<size_t>(stored->proof.data() + stored->proof.size() - data.data());
  for (size_t cut = 0; cut < parts_end; ++cut) EXPECT_FALSE(ParseStoredRecord(data.substr(0, cut))) << cut;
  EXPECT_TRUE(ParseStoredRecord(data.substr(0, parts_end)));  // no text is fine
  EXPECT_FALSE(ParseStoredRecord(std::string("\xff\xff\xff\xff", 4)));
  Xapian::Document junk;
  junk.set_data("{\"summary\":{}}");  // format 2
  EXPECT_TRUE(SummaryOf(junk).empty());
}

}  // namespace
}  // namespace bevara::search
