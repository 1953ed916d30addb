// PackageScanner: the single streaming pass of validation. Internal to
// ingest/validate; PackageValidator turns its ScanResult into a report.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/digest.h"
#include "common/env.h"
#include "ingest/mets/mets_model.h"
#include "ingest/reader/package_reader.h"
#include "ingest/validate/package_validator.h"
#include "ingest/xml/secure_sax.h"

namespace bevara::ingest {

// One file of the package as read. Kept small: a package may hold 100,000.
struct ScannedFile {
  uint64_t size = 0;
  std::array<uint8_t, 32> sha256{};  // always computed
  bool declared = false;
  // Digests in other algorithms, for files whose METS declares one.
  std::vector<std::pair<DigestAlgorithm, std::string>> other_digests;  // lower-case hex

  // The digest in lower-case hex, or nullopt when it was not computed.
  std::optional<std::string> Hex(DigestAlgorithm a) const;
};

struct ParsedMets {
  MetsDocument doc;
  SaxOutcome xml;
  bool is_root = false;
  bool is_sip_xml = false;  // FGS 1.x
  std::string prefix;       // package root folder inside the archive: "" or "name/"
  std::string dir;          // package-relative directory of this document

  // The archive path a declaration's href resolves to, or its rejection.
  Result<std::string> Resolve(const FileDeclaration& f) const;
};

struct ScannedXml {
  std::string path;
  SaxOutcome xml;
};

struct ScanResult {
  std::string format;
  std::unordered_map<std::string, ScannedFile> files;  // by archive path
  std::vector<const std::string*> file_order;          // keys of `files`, in archive order
  std::vector<std::string> directories;
  std::vector<std::unique_ptr<ParsedMets>> mets;
  int root = -1;  // index into mets
  std::vector<ScannedXml> metadata;
  Status stopped;  // the rejection or I/O error that ended the scan early
  uint64_t total_bytes = 0;
};

class PackageScanner {
 public:
  PackageScanner(Env* env, std::shared_ptr<const SchemaSet> schemas, const ValidatorOptions& options);

  // Reads the whole package. A rejection ends up in result->stopped; a
  // non-OK return means the package could not be opened at all (I/O).
  Status Scan(const std::string& path, ScanResult* result);

  // Second pass: hashes the named files (archive paths) with the given
  // algorithms and adds the digests to result->files.
  Status Rehash(const std::string& path, const std::unordered_map<std::string, DigestSet>& wanted,
                ScanResult* result);

 private:
  enum class Role { kRootMets, kRootSip, kRepresentationMets, kMetadataXml, kData };
  Role Classify(const std::string& path, std::string* prefix) const;
  Status ConsumeFile(PackageReader* reader, const PackageEntry& entry, ScanResult* result);
  void Register(ParsedMets* mets);

  Env* env_;
  std::shared_ptr<const SchemaSet> schemas_;
  ValidatorOptions options_;
  SecureSaxParser parser_;
  std::vector<char> buffer_;
  bool root_seen_ = false;
  // Algorithms other than SHA-256 (which is always computed) that the METS
  // documents seen so far declare, by archive path. Empty for most packages.
  std::unordered_map<std::string, DigestSet> declared_algorithms_;
};

}  // namespace bevara::ingest
