// The preservation checks of an ingest on real packages: PRONOM formats in
// the record and the AIP METS, the format policy's three outcomes under
// both actions, and ClamAV (a database built with ClamAV's own sigtool).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest/pipeline/ingester.h"
#include "ingest/pipeline/reidentifier.h"
#include "ingest/scan/virus_scanner.h"
#include "src/common/digest.h"
#include "tests/cli/run_bevara.h"
#include "tests/support/archive_fixture.h"

namespace bevara::ingest {
namespace {

using testing::CountBlobs;
using testing::OpenArchiveOrDie;
using testing::TempDir;

// The EICAR test file, assembled here so that this source is not itself one.
std::string Eicar() {
  return std::string("X5O!P%@AP[4\\PZX54(P^)7CC)7}$") + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE" + "!$H+H*";
}

std::string Pdf(const std::string& version, const std::string& pdfa_part = "") {
  std::string body = "%PDF-" + version + "\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  if (!pdfa_part.empty()) {
    body += "2 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" "
            "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"><pdfaid:part>" + pdfa_part +
            "</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>"
            "\nendstream\nendobj\n";
  }
  return body + "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

// A generated package whose first `contents.size()` data files hold the
// given bytes (their METS SIZE and CHECKSUM follow).
struct Package {
  sipgen::SipPlan plan;
  std::vector<std::string> paths;  // package-relative, under the root
};

Package WithContents(uint64_t seed, const std::vector<std::string>& contents) {
  sipgen::SipSpec spec;
  spec.seed = seed;
  spec.files = static_cast<int>(contents.size()) + 1;
  Package p{sipgen::PlanSip(spec), {}};
  size_t next = 0;
  for (sipgen::PlannedEntry& e : p.plan.entries) {
    if (next == contents.size()) break;
    if (e.type != sipgen::EntryType::kFile || e.path.find("/data/") == std::string::npos) continue;
    const std::string old_sum = sipgen::ContentDigest(e, DigestAlgorithm::kSha256);
    const std::string old_size = std::to_string(sipgen::ContentSize(e));
    std::string& mets = p.plan.Mets();
    size_t at = mets.find("CHECKSUM=\"" + old_sum + "\"");
    EXPECT_NE(at, std::string::npos);
    size_t size_at = mets.rfind("SIZE=\"" + old_size + "\"", at);
    mets.replace(at, 10 + old_sum.size(), "CHECKSUM=\"" + Sha256Hex(contents[next]));
    mets.replace(size_at, 7 + old_size.size(), "SIZE=\"" + std::to_string(contents[next].size()) + "\"");
    e.content = sipgen::ContentKind::kLiteral;
    e.literal = contents[next++];
    p.paths.push_back(e.path.substr(p.plan.root.size()));
  }
  EXPECT_EQ(next, contents.size());
  return p;
}

const storage::FileRecord& FileAt(const IngestOutcome& out, const std::string& path) {
  for (const storage::FileRecord& f : out.record.files) {
    if (f.path == "submission/" + path) return f;
  }
  ADD_FAILURE() << "no file " << path;
  static storage::FileRecord none;
  return none;
}

Result<IngestOutcome> Ingest(storage::Archive* archive, const std::string& package, IngestOptions options) {
  auto schemas = SchemaSet::Shared();
  EXPECT_TRUE(schemas.ok());
  return Ingester(archive, *schemas, std::move(options)).Ingest(package);
}

TEST(PreservationChecksTest, FormatsAndPolicyStatesAreRecordedEverywhere) {
  TempDir dir;
  Package p = WithContents(31, {Pdf("1.4", "1"), Pdf("1.4"),
                                std::string("\x01\x02\x03 nothing known", 17)});
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  auto out = Ingest(archive.get(), testing::WritePackage(p.plan, "tar", dir), {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE(out->archived) << out->report.ToText();

  const storage::FileRecord& pdfa = FileAt(*out, p.paths[0]);
  EXPECT_EQ(pdfa.format.puid, "fmt/354");
  EXPECT_EQ(pdfa.format.method, "signature");
  EXPECT_EQ(pdfa.format.policy, "accepted");
  EXPECT_EQ(FileAt(*out, p.paths[1]).format.puid, "fmt/18");
  EXPECT_EQ(FileAt(*out, p.paths[1]).format.policy, "accepted_for_now");
  EXPECT_EQ(FileAt(*out, p.paths[2]).format.policy, "not_accepted");
  EXPECT_EQ(out->record.format_signatures, "DROID_SignatureFile_V118 (2024-04-29T13:46:04); container signatures 37");

  // The default action warns; the file accepted for now is listed for migration.
  EXPECT_TRUE(out->report.Has("FORMAT-POLICY-WARN"));
  EXPECT_TRUE(out->report.Has("FORMAT-MIGRATE"));
  EXPECT_FALSE(out->report.Has("FORMAT-POLICY"));

  // The catalog, the receipt and the AIP METS say the same.
  auto catalogued = archive->catalog()->GetFile(out->record.package_id, 1, "submission/" + p.paths[0]);
  ASSERT_TRUE(catalogued.ok() && *catalogued);
  EXPECT_EQ((*catalogued)->format.puid, "fmt/354");
  EXPECT_NE(ReceiptJson(*out).find("\"puid\":\"fmt/354\""), std::string::npos);
  auto mets = archive->ReadBlob(out->record.aip_mets);
  ASSERT_TRUE(mets.ok());
  EXPECT_NE(mets->find("<premis:formatRegistryName>PRONOM</premis:formatRegistryName><premis:formatRegistryKey>fmt/354"),
            std::string::npos);
  bool identification_event = false;
  for (const storage::PremisEvent& e : out->record.events) {
    if (e.type == "format identification") {
      identification_event = true;
      EXPECT_NE(e.detail.find("PRONOM (DROID_SignatureFile_V118"), std::string::npos) << e.detail;
    }
    EXPECT_NE(e.type, "virus check");  // no scanner configured: no claim of one
  }
  EXPECT_TRUE(identification_event);
}

// A file larger than the scan window: its end is read back from the
// staged blob by the identification worker, and again from the stored
// blob by re-identification; both see the GIF trailer 300 KiB away.
TEST(PreservationChecksTest, ALargeFilesEndIsReadBackFromItsBlob) {
  TempDir dir;
  std::string gif = std::string("GIF89a\x01\0\x01\0\0\0\0", 13) + std::string(300 << 10, 'x') + ";";
  Package p = WithContents(39, {gif});
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  auto out = Ingest(archive.get(), testing::WritePackage(p.plan, "tar", dir), {});
  ASSERT_TRUE(out.ok() && out->archived) << (out.ok() ? out->report.ToText() : out.status().ToString());
  EXPECT_EQ(FileAt(*out, p.paths[0]).format.puid, "fmt/4");

  ReidentifyOptions again;
  again.pronom = formats::PronomIdentifier::SharedEmbedded().value();
  ReidentifyProgress progress;
  ASSERT_TRUE(Reidentify(archive.get(), again, &progress).ok());
  EXPECT_EQ(progress.files_changed, 0u);  // the same window, the same answer
  EXPECT_GT(progress.bytes_read, uint64_t{128} << 10);
}

TEST(PreservationChecksTest, RejectPolicyStoresNothing) {
  TempDir dir;
  Package p = WithContents(32, {std::string("\x01\x02\x03 nothing known", 17)});
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  const uint64_t before = CountBlobs(archive.get());
  IngestOptions options;
  options.format_policy = formats::FormatPolicy::FromLists("", "", "reject").value();
  auto out = Ingest(archive.get(), testing::WritePackage(p.plan, "tar", dir), options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->archived);
  ASSERT_TRUE(out->report.Has("FORMAT-POLICY")) << out->report.ToText();
  EXPECT_NE(out->report.ToText().find(p.paths[0]), std::string::npos);
  EXPECT_EQ(CountBlobs(archive.get()), before);
}

TEST(PreservationChecksTest, PolicyListsAreCheckedWhenRead) {
  EXPECT_FALSE(formats::FormatPolicy::FromLists("fmt/18 pdf", "", "warn").ok());
  EXPECT_FALSE(formats::FormatPolicy::FromLists("fmt/18", "fmt/18", "warn").ok());
  EXPECT_FALSE(formats::FormatPolicy::FromLists("", "", "maybe").ok());
  auto mine = formats::FormatPolicy::FromLists("fmt/18, x-fmt/111", "fmt/354", "reject");
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->Judge("fmt/18"), formats::FormatState::kAccepted);
  EXPECT_EQ(mine->Judge("fmt/354"), formats::FormatState::kAcceptedForNow);
  EXPECT_EQ(mine->Judge("fmt/353"), formats::FormatState::kNotAccepted);  // the defaults are replaced
  EXPECT_EQ(mine->Judge(""), formats::FormatState::kNotAccepted);        // unidentified: not accepted
}

bool HaveSigtool() { return testing::RunShell("command -v sigtool >/dev/null").exit_code == 0; }

// A ClamAV database made with sigtool: an MD5 signature of the EICAR file
// and a body signature of its text.
std::string MakeDatabase(const TempDir& dir) {
  const std::string db = dir.Join("clamav");
  std::filesystem::create_directories(db);
  std::ofstream(dir.Join("eicar.com"), std::ios::binary) << Eicar();
  EXPECT_EQ(testing::RunShell("cd " + dir.path() + " && sigtool --md5 eicar.com > " + db + "/bevara-test.hdb").exit_code, 0);
  EXPECT_EQ(testing::RunShell("printf %s 'EICAR-STANDARD-ANTIVIRUS' | sigtool --hex-dump | "
                              "sed 's/^/Bevara.Test.EicarBody:0:*:/' > " + db + "/bevara-test.ndb").exit_code, 0);
  return db;
}

TEST(PreservationChecksTest, InfectedFilesAtTheTopAndNestedInAZipRejectThePackage) {
  if (!HaveSigtool()) GTEST_SKIP() << "no sigtool (Debian's clamav)";
  TempDir dir;
  scan::VirusScanOptions scan_options;
  scan_options.database_dir = MakeDatabase(dir);
  auto scanner = scan::VirusScanner::Open(scan_options);
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  EXPECT_NE((*scanner)->NewSession().Description().find("ClamAV 1."), std::string::npos);

  auto archive = OpenArchiveOrDie(dir.Join("data"));
  const uint64_t before = CountBlobs(archive.get());
  IngestOptions options;
  options.scanner = *scanner;
  Package top = WithContents(33, {Pdf("1.4"), Eicar()});
  auto out = Ingest(archive.get(), testing::WritePackage(top.plan, "tar", dir), options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->archived);
  ASSERT_TRUE(out->report.Has("VIRUS-FOUND"));
  std::string text = out->report.ToText();
  EXPECT_NE(text.find(top.paths[1]), std::string::npos) << text;
  EXPECT_NE(text.find("Bevara.Test.Eicar"), std::string::npos) << text;

  Package nested = WithContents(34, {testing::ZipBytes({{"inner/readme.com", Eicar()}})});
  TempDir dir2;
  out = Ingest(archive.get(), testing::WritePackage(nested.plan, "zip", dir2), options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->archived);
  EXPECT_TRUE(out->report.Has("VIRUS-FOUND")) << out->report.ToText();
  EXPECT_EQ(CountBlobs(archive.get()), before);  // nothing of either package

  // A clean package is archived with the virus check as a PREMIS event.
  Package clean = WithContents(35, {Pdf("1.4")});
  TempDir dir3;
  out = Ingest(archive.get(), testing::WritePackage(clean.plan, "tar", dir3), options);
  ASSERT_TRUE(out.ok() && out->archived) << out->report.ToText();
  bool checked = false;
  for (const storage::PremisEvent& e : out->record.events) {
    if (e.type == "virus check") checked = e.detail.find("ClamAV 1.") != std::string::npos;
  }
  EXPECT_TRUE(checked);
}

TEST(PreservationChecksTest, AScanLimitReachedRejectsRatherThanSkips) {
  if (!HaveSigtool()) GTEST_SKIP() << "no sigtool (Debian's clamav)";
  TempDir dir;
  scan::VirusScanOptions scan_options;
  scan_options.database_dir = MakeDatabase(dir);
  scan_options.max_file_size = scan_options.max_scan_size = 1000;
  auto scanner = scan::VirusScanner::Open(scan_options);
  ASSERT_TRUE(scanner.ok());
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOptions options;
  options.scanner = *scanner;
  Package big = WithContents(36, {Pdf("1.4") + std::string(5000, ' ')});
  auto out = Ingest(archive.get(), testing::WritePackage(big.plan, "tar", dir), options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->archived);
  EXPECT_TRUE(out->report.Has("VIRUS-SCAN-LIMIT")) << out->report.ToText();
}

TEST(PreservationChecksTest, EncryptedContentIsNotTakenForClean) {
  if (!HaveSigtool()) GTEST_SKIP() << "no sigtool (Debian's clamav)";
  TempDir dir;
  scan::VirusScanOptions scan_options;
  scan_options.database_dir = MakeDatabase(dir);
  auto scanner = scan::VirusScanner::Open(scan_options);
  ASSERT_TRUE(scanner.ok());
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOptions options;
  options.scanner = *scanner;
  Package locked = WithContents(38, {testing::ZipBytes({{"inner/readme.com", Eicar()}}, "secret")});
  auto out = Ingest(archive.get(), testing::WritePackage(locked.plan, "tar", dir), options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->archived);
  EXPECT_TRUE(out->report.Has("VIRUS-SCAN-LIMIT")) << out->report.ToText();
  EXPECT_NE(out->report.ToText().find("Encrypted"), std::string::npos) << out->report.ToText();
}

TEST(PreservationChecksTest, ANewDatabaseIsPickedUpWithoutARestart) {
  if (!HaveSigtool()) GTEST_SKIP() << "no sigtool (Debian's clamav)";
  TempDir dir;
  const std::string db = MakeDatabase(dir);
  std::filesystem::rename(db + "/bevara-test.hdb", dir.Join("later.hdb"));
  std::filesystem::rename(db + "/bevara-test.ndb", dir.Join("later.ndb"));
  // A signature for something else, so that the directory loads.
  std::ofstream(dir.Join("other.txt")) << "something else";
  ASSERT_EQ(testing::RunShell("cd " + dir.path() + " && sigtool --md5 other.txt > " + db + "/other.hdb").exit_code, 0);
  scan::VirusScanOptions scan_options;
  scan_options.database_dir = db;
  scan_options.recheck_seconds = 0;
  auto scanner = scan::VirusScanner::Open(scan_options);
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  auto file = Env::Default()->OpenForRead(dir.Join("eicar.com"), {});
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*scanner)->NewSession().Scan(file->get(), "eicar.com")->kind, scan::ScanVerdict::Kind::kClean);

  std::filesystem::rename(dir.Join("later.hdb"), db + "/bevara-test.hdb");  // freshclam wrote a new database
  auto again = Env::Default()->OpenForRead(dir.Join("eicar.com"), {});
  auto verdict = (*scanner)->NewSession().Scan(again->get(), "eicar.com");
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(verdict->kind, scan::ScanVerdict::Kind::kInfected);
  EXPECT_EQ((*scanner)->last_reload_error(), "");
}

TEST(PreservationChecksTest, RequiredScanningWithoutADatabaseArchivesNothing) {
  TempDir dir;
  scan::VirusScanOptions missing;
  missing.database_dir = dir.Join("no-such-dir");
  auto scanner = scan::VirusScanner::Open(missing);
  ASSERT_FALSE(scanner.ok());
  EXPECT_EQ(scanner.status().message().find(dir.path()), std::string::npos);  // no path in the message
  std::filesystem::create_directories(dir.Join("empty"));
  missing.database_dir = dir.Join("empty");
  EXPECT_FALSE(scan::VirusScanner::Open(missing).ok());

  auto archive = OpenArchiveOrDie(dir.Join("data"));
  const uint64_t before = CountBlobs(archive.get());
  IngestOptions options;
  options.scan_required = true;
  auto out = Ingest(archive.get(), testing::GeneratePackage(dir, 37), options);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(CountBlobs(archive.get()), before);
}

}  // namespace
}  // namespace bevara::ingest
