// Export round trips, and the OCFL storage root checked against the spec's
// rules by a reader that knows nothing of bevara.
#include "storage/archive/export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "src/common/digest.h"
#include "tests/support/archive_fixture.h"

namespace bevara::storage {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::TempDir;

// relative path -> SHA-256 of every regular file below `root`.
std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = testing::FileSha256(e.path().string());
  }
  return files;
}

TEST(ExportTest, PackageRoundTripIsByteIdenticalAndValid) {
  TempDir dir;
  sipgen::SipSpec spec;
  spec.seed = 41;
  spec.files = 6;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  std::string original = testing::WritePackage(plan, "dir", dir, "original");
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a = testing::IngestOrDie(archive.get(), testing::WritePackage(plan, "zip", dir, "submitted"));

  auto stats = ExportPackage(archive.get(), a.record.package_id, dir.Join("out"));
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->files, a.record.files.size());
  EXPECT_EQ(Tree(dir.Join("out/submission")), Tree(original + "/" + plan.objid));
  EXPECT_EQ(testing::FileSha256(dir.Join("out/METS.xml")), a.record.aip_mets);
  auto report = testing::ValidateOrDie(dir.Join("out/submission"));
  EXPECT_TRUE(report.valid()) << testing::Describe(report);
  // It refuses to write into a directory that has something in it.
  EXPECT_FALSE(ExportPackage(archive.get(), a.record.package_id, dir.Join("out")).ok());
  EXPECT_TRUE(ExportPackage(archive.get(), "unknown", dir.Join("out2")).status().IsNotFound());
}

TEST(ExportTest, ExportRefusesACorruptBlob) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 42));
  const FileRecord& rotten = a.record.files.back();
  testing::WriteFile(testing::BlobPath(archive.get(), rotten.sha256), "rotten");
  auto stats = ExportPackage(archive.get(), a.record.package_id, dir.Join("out"));
  EXPECT_EQ(stats.status().code(), StatusCode::kCorruption);
  // Nothing it did not verify is left behind: neither the file nor its temporary.
  for (const auto& [path, sha] : Tree(dir.Join("out"))) {
    EXPECT_NE(sha, Sha256Hex("rotten")) << path;
    EXPECT_EQ(fs::path(path).filename().string().rfind(".bevara", 0), std::string::npos) << path;
  }
  EXPECT_FALSE(fs::exists(dir.Join("out/" + rotten.path)));
  // The finding is kept: the next export refuses before it reads.
  auto known = archive->damage()->Find(rotten.sha256);
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(known->kind, "corrupt");
  EXPECT_EQ(known->found_by, "export");
  auto again = ExportPackage(archive.get(), a.record.package_id, dir.Join("out2"));
  EXPECT_NE(again.status().message().find("known to be damaged"), std::string::npos) << again.status().ToString();
}

// Checks an OCFL 1.1 object the way a validator would (E-codes in comments).
void CheckOcflObject(const std::string& root, const std::string& expected_id) {
  SCOPED_TRACE(root);
  EXPECT_EQ(ReadFile(root + "/0=ocfl_object_1.1"), "ocfl_object_1.1\n");  // E003
  std::string text = ReadFile(root + "/inventory.json");
  json inv = json::parse(text);
  EXPECT_EQ(ReadFile(root + "/inventory.json.sha256"), Sha256Hex(text) + " inventory.json\n");  // E060
  EXPECT_EQ(inv["id"], expected_id);
  EXPECT_EQ(inv["type"], "https://ocfl.io/1.1/spec/#inventory");
  EXPECT_EQ(inv["digestAlgorithm"], "sha256");
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))");
  // Versions v1..vN, no gaps (E010); head is the last (E040).
  size_t n = inv["versions"].size();
  EXPECT_EQ(inv["head"], "v" + std::to_string(n));
  std::set<std::string> content_on_disk;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(e.path(), root).string();
    if (e.is_regular_file() && rel.find("/content/") != std::string::npos) content_on_disk.insert(rel);
    if (e.is_directory()) {
      EXPECT_FALSE(fs::is_empty(e.path())) << "empty directory " << rel;  // E024
    }
    EXPECT_FALSE(e.is_symlink());
  }
  std::set<std::string> manifest_paths;
  for (const auto& [digest, paths] : inv["manifest"].items()) {
    for (const auto& p : paths) {
      std::string path = p;
      manifest_paths.insert(path);
      EXPECT_EQ(testing::FileSha256(root + "/" + path), digest) << path;  // E092
    }
  }
  EXPECT_EQ(manifest_paths, content_on_disk);  // E023: every content file in the manifest, and back
  for (size_t v = 1; v <= n; ++v) {
    std::string name = "v" + std::to_string(v);
    const json& version = inv["versions"][name];
    EXPECT_TRUE(std::regex_match(version["created"].get<std::string>(), rfc3339));  // E049
    for (const auto& [digest, paths] : version["state"].items()) {
      EXPECT_TRUE(inv["manifest"].contains(digest)) << name << " state names an unknown digest";  // E050
    }
    std::string vtext = ReadFile(root + "/" + name + "/inventory.json");
    EXPECT_EQ(ReadFile(root + "/" + name + "/inventory.json.sha256"), Sha256Hex(vtext) + " inventory.json\n");
    if (v == n) {
      EXPECT_EQ(vtext, text);  // E064: the head's copy is the root inventory
    }
  }
  if (inv.contains("fixity")) {
    for (const auto& [algorithm, entries] : inv["fixity"].items())
      for (const auto& [digest, paths] : entries.items())
        for (const auto& p : paths) EXPECT_TRUE(manifest_paths.count(p.get<std::string>())) << algorithm;  // E057
  }
}

TEST(ExportTest, OcflStorageRootFollowsTheSpec) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a1 = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 43, 4));
  auto a2 = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 43, 6));  // v2 of the same AIP
  sipgen::SipSpec md5;
  md5.seed = 44;
  md5.checksum = DigestAlgorithm::kMd5;  // declared MD5s end up in the fixity block
  auto b = testing::IngestOrDie(archive.get(), testing::WritePackage(sipgen::PlanSip(md5), "tar", dir));

  const std::string root = dir.Join("ocfl");
  auto stats = ExportOcfl(archive.get(), root);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->packages, 2u);
  EXPECT_EQ(stats->versions, 3u);
  EXPECT_EQ(ReadFile(root + "/0=ocfl_1.1"), "ocfl_1.1\n");
  json layout = json::parse(ReadFile(root + "/ocfl_layout.json"));
  EXPECT_EQ(layout["extension"], "0004-hashed-n-tuple-storage-layout");
  json config = json::parse(ReadFile(root + "/extensions/0004-hashed-n-tuple-storage-layout/config.json"));
  EXPECT_EQ(config["tupleSize"], 3);

  for (const auto* r : {&a2.record, &b.record}) {
    // The layout's path, computed here from its definition.
    std::string h = Sha256Hex(r->package_id);
    std::string object = root + "/" + h.substr(0, 3) + "/" + h.substr(3, 3) + "/" + h.substr(6, 3) + "/" + h;
    ASSERT_TRUE(fs::exists(object)) << object;
    CheckOcflObject(object, r->package_id);
  }
  // Content unchanged since v1 is stored once, in v1.
  std::string h = Sha256Hex(a1.record.package_id);
  std::string object = root + "/" + h.substr(0, 3) + "/" + h.substr(3, 3) + "/" + h.substr(6, 3) + "/" + h;
  EXPECT_TRUE(fs::exists(object + "/v1/content/submission/documentation/README.txt"));
  EXPECT_FALSE(fs::exists(object + "/v2/content/submission/documentation/README.txt"));
  json inv_b = json::parse(ReadFile(root + "/" + OcflObjectPath(b.record.package_id) + "/inventory.json"));
  EXPECT_TRUE(inv_b.contains("fixity"));
  EXPECT_TRUE(inv_b["fixity"].contains("md5"));
}

}  // namespace
}  // namespace bevara::storage
