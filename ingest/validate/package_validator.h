// PackageValidator: `bevara validate` — reads a submission package once, as a
// stream, and decides whether it is a valid FGS / E-ARK SIP.
//
// In one pass over the entries it
//   * applies the reader's entry policy (names, types, limits, bombs);
//   * parses METS.xml / sip.xml and representation METS documents with the
//     secure validating SAX parser, as they stream by;
//   * validates metadata XML files against the schemas bevara holds;
//   * hashes every file: SHA-256 always, plus the algorithm its METS declares
//     when the METS was seen first.
// Then it checks the profile rules, that every declared file exists with its
// declared size and checksum, and that every file is declared.
//
// When a METS comes after files it declares with an algorithm other than
// SHA-256, those files are hashed in a second pass (rare: METS normally comes
// first, and CSIP packages declare SHA-256).
//
// Threads: a METS over 1 MiB is validated and modelled on two extra threads
// at once (ingest/xml/parallel_parse.h); everything else runs on the caller's.
//
// Thread-safety: a PackageValidator may be used by one thread at a time; use
// one per thread (they share the SchemaSet).
#pragma once

#include <memory>
#include <string>

#include "ingest/reader/package_reader.h"
#include "ingest/validate/entry_sink.h"
#include "ingest/validate/report.h"
#include "ingest/xml/schema_set.h"
#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara::ingest {

struct ValidatorOptions {
  ReaderLimits limits;
  uint64_t max_mets_bytes = 256ull << 20;          // a METS for 100,000 files is ~40 MB
  uint64_t max_metadata_xml_bytes = 64ull << 20;   // larger metadata files are hashed, not parsed
  size_t max_xml_issues = 50;                      // per document
};

// What the METS of a package says about one of its files, beyond what the
// validator has already checked (size and checksum).
struct DeclaredFile {
  std::string path;  // in the package, as the archive names it
  std::string mimetype;
};

// What ingest needs to know about a package besides its report.
struct PackageFacts {
  std::string root_prefix;  // the package folder inside the archive ("name/"), or ""
  std::string objid, label, type, profile, content_information_type, create_date;
  // The submitting organisation: the METS agent with ROLE=CREATOR (or
  // OTHERROLE=SUBMITTER) and TYPE=ORGANIZATION; its identification code.
  std::string producer_id, producer_name;
  std::vector<DeclaredFile> declared;  // files and mdRefs of every METS
};

class PackageValidator {
 public:
  PackageValidator(Env* env, std::shared_ptr<const SchemaSet> schemas, ValidatorOptions options = {});
  ~PackageValidator();

  // Validates the package at `path`. A bad package yields a report with
  // valid() == false; a non-OK Status means validation could not run at all
  // (the path does not exist, cannot be read, or an internal failure).
  Result<ValidationReport> Validate(const std::string& path);
  // As above, and also hands every file's bytes to `sink` as they are read,
  // and fills `facts` (both optional, not owned).
  Result<ValidationReport> Validate(const std::string& path, EntrySink* sink, PackageFacts* facts);

 private:
  Env* env_;
  std::shared_ptr<const SchemaSet> schemas_;
  ValidatorOptions options_;
};

}  // namespace bevara::ingest
