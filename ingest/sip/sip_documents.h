// The XML documents of a package made by `bevara sip create`: the ERMS case
// (FGS Ärendehantering), PREMIS, and the package METS (FGS Paketstruktur 2.0
// = E-ARK CSIP 2.1 + SIP 2.1). Pure functions of what they are given, so the
// same input makes the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/sip/case_description.h"

namespace bevara::ingest {

// One file of the package as the METS declares it.
struct PackedFile {
  enum class Group { kDocumentation, kSchemas, kData, kMetadata };
  Group group = Group::kData;
  std::string path;       // package-relative: "representations/rep1/data/beslut.pdf"
  std::string mimetype;
  uint64_t size = 0;
  std::string sha256;     // lower-case hex
};

// The package's id when the description names none: "sip-" and 16 hex digits
// of the SHA-256 of the description's canonical JSON.
std::string DerivedPackageId(const CaseDescription& d);

// The in-package path of a record's or a documentation file.
std::string DataPath(const CaseFile& f);
std::string DocumentationPath(const CaseFile& f);

// A MIME type for a file name, from its extension; application/octet-stream
// when unknown.
std::string MimeTypeForName(const std::string& name);

std::string ErmsXml(const CaseDescription& d, const std::string& package_id);
std::string PremisXml(const CaseDescription& d, const std::string& package_id);
// REQUIRES: `files` holds every file of the package but METS.xml, with
// metadata files (ERMS first, then PREMIS) of group kMetadata.
std::string MetsXml(const CaseDescription& d, const std::string& package_id, const std::vector<PackedFile>& files);

}  // namespace bevara::ingest
