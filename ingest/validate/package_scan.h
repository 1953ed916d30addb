// PackageScanner: the streaming pass of validation. Internal to
// ingest/validate; PackageValidator turns its ScanResult into a report.
//
// Each file is checked against its declaration as it streams by, when a METS
// declaring it has already been read (the usual order: METS first). Only the
// files no METS had declared yet are remembered, with their digests, and
// matched when the whole package has been read. Memory therefore grows with
// the declarations in the METS, not again with the files.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/mets/mets_model.h"
#include "ingest/reader/package_reader.h"
#include "ingest/validate/entry_sink.h"
#include "ingest/validate/package_validator.h"
#include "ingest/validate/report.h"
#include "ingest/xml/secure_sax.h"
#include "src/common/digest.h"
#include "src/common/env.h"

namespace bevara::ingest {

struct ParsedMets {
  MetsDocument doc;
  SaxOutcome xml;
  bool is_root = false;
  bool is_sip_xml = false;  // FGS 1.x
  std::string prefix;       // package root folder inside the archive: "" or "name/"
  std::string dir;          // package-relative directory of this document
  std::vector<uint8_t> matched;  // per doc.files: a file in the package answered it

  // The archive path an href in this document resolves to, or its rejection.
  Result<std::string> Resolve(std::string_view href) const;
};

struct ScannedXml {
  std::string path;
  SaxOutcome xml;
};

struct ScanResult {
  std::string format;
  uint64_t file_count = 0, total_bytes = 0;
  bool has_representations = false;  // a representations/ folder at the package root
  bool has_metadata = false;         // a metadata/ folder at the package root
  std::vector<std::unique_ptr<ParsedMets>> mets;
  int root = -1;  // index into mets
  std::vector<ScannedXml> metadata;
  // Files read before any METS declared them, in archive order.
  std::vector<std::pair<std::string, ScannedFile>> unmatched;
  // File findings (FILE-*, METS-HREF-*, PKG-OUTSIDE-ROOT), in the order found.
  std::vector<Finding> findings;
  Status stopped;  // the rejection or I/O error that ended the scan early
};

class PackageScanner {
 public:
  // `sink` (optional, not owned) receives every file's bytes as they are read.
  PackageScanner(Env* env, std::shared_ptr<const SchemaSet> schemas, const ValidatorOptions& options,
                 EntrySink* sink = nullptr);

  // Reads the whole package, then matches what is left: files read before
  // their METS, declarations no file answered. A rejection ends up in
  // result->stopped; a non-OK return means the package could not be read at
  // all (an I/O error).
  Status Scan(const std::string& path, ScanResult* result);

 private:
  enum class Role { kRootMets, kRootSip, kRepresentationMets, kMetadataXml, kData };
  struct DeclarationRef {
    uint32_t mets;
    uint32_t index;
    bool plus_as_space;  // matched only after reading '+' in the href as a space
  };

  // `components`: the entry's path split at '/'.
  Role Classify(const std::vector<std::string_view>& components, std::string* prefix) const;
  Status ConsumeFile(PackageReader* reader, const PackageEntry& entry, ScanResult* result);
  void Register(uint32_t mets_index, ScanResult* result);
  // Checks a file against every declaration of its path; false when none.
  // `allow_plus`: also try declarations whose '+' is read as a space (only
  // once the whole package has been seen; see Finish).
  bool Match(const std::string& path, const ScannedFile& file, ScanResult* result, bool allow_plus);
  void Verify(const DeclarationRef& ref, const std::string& path, const ScannedFile& file, ScanResult* result);
  Status Finish(const std::string& package, ScanResult* result);
  Status Rehash(const std::string& package, const std::unordered_map<std::string, DigestSet>& wanted,
                ScanResult* result);

  Env* env_;
  std::shared_ptr<const SchemaSet> schemas_;
  ValidatorOptions options_;
  EntrySink* sink_;
  SecureSaxParser parser_;
  SecureSaxParser model_parser_;  // builds the model of a large METS while parser_ validates it
  std::vector<char> buffer_;
  bool root_seen_ = false;
  std::string root_prefix_;
  // Declarations by the hash of the archive path they resolve to (a hash
  // match is confirmed against the resolved path before it counts).
  std::unordered_multimap<uint64_t, DeclarationRef> declared_;
  // Algorithms other than SHA-256 (always computed) declared for a path.
  std::unordered_map<std::string, DigestSet> extra_algorithms_;
};

}  // namespace bevara::ingest
