#include "ingest/reader/archive_reader.h"

#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "ingest/reader/package_reader.h"
#include "tests/test_util.h"
#include "tools/sipgen/sip_writer.h"

namespace bevara::ingest {
namespace {

using sipgen::PlannedEntry;

sipgen::SipPlan SmallPlan() {
  sipgen::SipSpec spec;
  spec.seed = 11;
  spec.files = 5;
  return sipgen::PlanSip(spec);
}

// Reads every entry and its content; returns the rejection, if any.
Status ReadAll(const std::string& path, std::map<std::string, std::string>* files,
               const ReaderLimits& limits = {}) {
  auto reader = OpenPackage(Env::Default(), path, limits);
  if (!reader.ok()) return reader.status();
  PackageEntry e;
  char buf[4096];
  for (;;) {
    auto more = (*reader)->Next(&e);
    if (!more.ok()) return more.status();
    if (!*more) return Status::OK();
    if (e.kind != EntryKind::kFile) continue;
    std::string& data = (*files)[e.path];
    for (;;) {
      auto n = (*reader)->Read(buf, sizeof buf);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      data.append(buf, *n);
    }
  }
}

class ArchiveFormatTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ArchiveFormatTest, ReadsEveryFileByteForByte) {
  testing::TempDir dir;
  sipgen::SipPlan plan = SmallPlan();
  std::string path = testing::WritePackage(plan, GetParam(), dir);
  std::map<std::string, std::string> files;
  Status s = ReadAll(path, &files);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(files.size(), plan.entries.size());
  for (const PlannedEntry& e : plan.entries) {
    ASSERT_TRUE(files.count(e.path)) << e.path;
    EXPECT_EQ(Sha256Hex(files[e.path]), sipgen::ContentDigest(e, DigestAlgorithm::kSha256)) << e.path;
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, ArchiveFormatTest, ::testing::Values("tar", "tar.gz", "zip", "dir"));

TEST(ArchiveReaderTest, ReportsFormat) {
  testing::TempDir dir;
  for (std::string fmt : {"tar", "tar.gz", "zip"}) {
    std::string path = testing::WritePackage(SmallPlan(), fmt, dir, "p-" + fmt);
    auto reader = OpenPackage(Env::Default(), path);
    ASSERT_TRUE(reader.ok());
    PackageEntry e;
    ASSERT_TRUE((*reader)->Next(&e).ok());
    EXPECT_EQ((*reader)->format(), fmt);
  }
}

TEST(ArchiveReaderTest, StopsAtTheFirstUnsafeEntry) {
  testing::TempDir dir;
  sipgen::SipPlan plan = SmallPlan();
  PlannedEntry evil;
  evil.path = "../outside.txt";
  evil.literal = "x";
  plan.entries.insert(plan.entries.begin() + 2, evil);
  std::map<std::string, std::string> files;
  Status s = ReadAll(testing::WritePackage(plan, "tar", dir), &files);
  EXPECT_EQ(s.rule(), "PKG-DOTDOT");
  EXPECT_EQ(s.location(), "../outside.txt");
  EXPECT_EQ(files.size(), 2u);  // nothing after the rejection was handed out
}

// libarchive turns '\\' in a zip name into '/'; bevara reads the central
// directory's own names, so a zip and a tar holding the same name get the
// same verdict.
TEST(ArchiveReaderTest, ABackslashIsRefusedInZipAsInTar) {
  testing::TempDir dir;
  const std::string name = "pkg\\content\\1\\x.docx";
  std::string zip = testing::ZipBytes({{"pkg/METS.xml", "<mets/>"}, {name, "data"}});
  ASSERT_NE(zip.find(name), std::string::npos) << "the fixture must hold the raw name";
  testing::WriteFile(dir.Join("b.zip"), zip);
  std::map<std::string, std::string> files;
  Status from_zip = ReadAll(dir.Join("b.zip"), &files);
  EXPECT_EQ(from_zip.rule(), "PKG-BACKSLASH") << from_zip.ToString();
  EXPECT_EQ(from_zip.location(), name);
  EXPECT_TRUE(files.empty());

  sipgen::SipPlan plan;
  PlannedEntry e;
  e.path = name;
  e.literal = "data";
  plan.entries.push_back(e);
  EXPECT_EQ(ReadAll(testing::WritePackage(plan, "tar", dir, "b"), &files).rule(), "PKG-BACKSLASH");

  // The end record's entry count is not trusted: the directory is read to
  // its end, as libarchive reads it, and a count that disagrees is damage.
  std::string uncounted = zip;
  uncounted[uncounted.size() - 22 + 8] = uncounted[uncounted.size() - 22 + 10] = 1;
  uncounted[uncounted.size() - 22 + 9] = uncounted[uncounted.size() - 22 + 11] = 0;
  testing::WriteFile(dir.Join("uncounted.zip"), uncounted);
  Status counted = ReadAll(dir.Join("uncounted.zip"), &files);
  EXPECT_TRUE(counted.rule() == "PKG-BACKSLASH" || counted.rule() == "PKG-CORRUPT") << counted.ToString();
  // A backslash in the local header alone (the central directory says '/').
  const std::string slashed = "pkg/content/1/x.docx";
  std::string local_only = testing::ZipBytes({{"pkg/METS.xml", "<mets/>"}, {slashed, "data"}});
  local_only.replace(local_only.find(slashed), slashed.size(), name);
  testing::WriteFile(dir.Join("local.zip"), local_only);
  EXPECT_EQ(ReadAll(dir.Join("local.zip"), &files).rule(), "PKG-BACKSLASH");

  // Without its end record the central directory cannot be read: refused,
  // not read from the local headers.
  testing::WriteFile(dir.Join("cut.zip"), zip.substr(0, zip.size() - 22));
  EXPECT_EQ(ReadAll(dir.Join("cut.zip"), &files).rule(), "PKG-CORRUPT");
  // A central directory that claims more than the file holds.
  std::string lying = zip;
  lying[lying.size() - 22 + 12] = '\xff';
  lying[lying.size() - 22 + 13] = '\x7f';
  testing::WriteFile(dir.Join("lying.zip"), lying);
  EXPECT_EQ(ReadAll(dir.Join("lying.zip"), &files).rule(), "PKG-CORRUPT");
}

TEST(ArchiveReaderTest, NotAnArchiveIsAFormatRejection) {
  testing::TempDir dir;
  testing::WriteFile(dir.Join("junk"), std::string(5000, '\x5a'));
  std::map<std::string, std::string> files;
  EXPECT_EQ(ReadAll(dir.Join("junk"), &files).rule(), "PKG-FORMAT");
}

TEST(ArchiveReaderTest, ReadsFromANonSeekableSource) {
  // Caller-supplied I/O: a source that cannot seek (like a socket).
  class PipeLike : public ReadableFile {
   public:
    explicit PipeLike(std::string d) : data_(std::move(d)) {}
    Result<size_t> Read(char* buf, size_t n) override {
      size_t k = std::min(n, data_.size() - pos_);
      std::memcpy(buf, data_.data() + pos_, k);
      pos_ += k;
      return k;
    }
   private:
    std::string data_;
    size_t pos_ = 0;
  };
  testing::TempDir dir;
  for (std::string fmt : {"tar.gz", "zip"}) {
    std::string bytes = testing::ReadFile(testing::WritePackage(SmallPlan(), fmt, dir, "s-" + fmt));
    auto reader = NewArchiveReader(std::make_unique<PipeLike>(bytes), "stream", ReaderLimits{});
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    PackageEntry e;
    int n = 0;
    for (;;) {
      auto more = (*reader)->Next(&e);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      ++n;
    }
    EXPECT_EQ(n, static_cast<int>(SmallPlan().entries.size())) << fmt;
  }
}

}  // namespace
}  // namespace bevara::ingest
