#include "ingest/validate/package_validator.h"

#include <chrono>
#include <unordered_set>

#include "ingest/mets/href.h"
#include "ingest/mets/mets_handler.h"
#include "ingest/validate/package_scan.h"
#include "ingest/validate/profile_checks.h"
#include "ingest/xml/xml_platform.h"

namespace bevara::ingest {
namespace {

const char* const kReaderRules[] = {
    "PKG-FORMAT", "PKG-EMPTY", "PKG-CORRUPT", "PKG-ENCRYPTED", "PKG-COMPRESSION-RATIO", "PKG-TOO-LARGE",
    "PKG-TOO-MANY-ENTRIES", "PKG-NAME-TOO-LONG", "PKG-INVALID-UTF8", "PKG-CONTROL-CHAR", "PKG-BACKSLASH",
    "PKG-ABSOLUTE-PATH", "PKG-DOTDOT", "PKG-EMPTY-COMPONENT", "PKG-NAME-COLLISION", "PKG-SYMLINK",
    "PKG-HARDLINK", "PKG-DEVICE", "PKG-FIFO", "PKG-SPECIAL-FILE"};

// The schema types IDs as xs:ID and references as xs:IDREF(S), so Xerces
// finds duplicates and dangling references; these are its messages for them
// (Xerces' built-in message catalogue, XMLValidityCodes).
const char* SchemaRuleFor(const std::string& message, const char* fallback) {
  if (message.rfind("ID value '", 0) == 0 && (message.find("' is not unique") != std::string::npos ||
                                              message.find("' has already been used") != std::string::npos)) {
    return "METS-ID-UNIQUE";
  }
  if (message.rfind("ID attribute '", 0) == 0 && message.find("' is referenced but was never declared") != std::string::npos) {
    return "METS-IDREF";
  }
  return fallback;
}

// Turns the outcome of parsing one XML document into findings.
void ReportXml(const SaxOutcome& xml, const std::string& path, bool is_mets, ValidationReport* r) {
  const char* schema_rule = is_mets ? "XML-SCHEMA" : "XML-METADATA-SCHEMA";
  r->Checked({"XML-WELLFORMED", "XML-DOCTYPE", "XML-TOO-LARGE", schema_rule});
  if (is_mets) r->Checked({"METS-ID-UNIQUE", "METS-IDREF"});
  if (xml.doctype_refused) {
    r->Add("XML-DOCTYPE", "the document has a DOCTYPE; DTDs and entities are refused", path);
  } else if (xml.too_large) {
    r->Add("XML-TOO-LARGE", "the document is larger than the limit for its kind", path);
  }
  for (const XmlIssue& i : xml.issues) {
    if (i.kind == XmlIssue::Kind::kWarning) continue;
    if (i.kind == XmlIssue::Kind::kFatal) {
      if (!xml.doctype_refused && !xml.too_large) r->Add("XML-WELLFORMED", i.message, path, i.line);
    } else {
      r->Add(SchemaRuleFor(i.message, schema_rule), i.message, path, i.line);
    }
  }
  r->Checked("XML-REMOTE-SCHEMA-LOCATION");
  for (const std::string& hint : xml.remote_schema_locations) {
    r->Add("XML-REMOTE-SCHEMA-LOCATION", "schema hint '" + hint + "' names a remote location; it was not fetched", path);
  }
  if (xml.truncated_issues) r->Add(schema_rule, "more problems follow; only the first ones are listed", path);
  if (!is_mets && xml.well_formed && !xml.schema_validated) {
    r->Checked("XML-METADATA-NO-SCHEMA");
    r->Add("XML-METADATA-NO-SCHEMA",
           "no schema held for namespace '" + xml.root_namespace + "' (root element '" + xml.root_name +
               "'); checked for well-formedness only",
           path);
  }
}

bool InSet(const std::string& path, const std::unordered_map<std::string, ScannedFile>& files) {
  return files.count(path) > 0;
}

// Finds the file a resolved href names; tolerates '+' written for a space
// (form encoding, seen in commons-ip packages) with a warning.
const std::string* LocateDeclared(const std::string& resolved, const std::string& href, const ScanResult& scan,
                                  std::string* plus_variant) {
  if (InSet(resolved, scan.files)) return &resolved;
  if (href.find('+') == std::string::npos) return nullptr;
  *plus_variant = resolved;
  for (char& c : *plus_variant)
    if (c == '+') c = ' ';
  return InSet(*plus_variant, scan.files) ? plus_variant : nullptr;
}

struct PendingChecksum {
  const ParsedMets* mets;
  size_t index;
  std::string path;
  DigestAlgorithm algorithm;
};

void CompareChecksum(const ScanResult& scan, const PendingChecksum& p, ValidationReport* r) {
  const FileDeclaration& f = p.mets->doc.files[p.index];
  std::optional<std::string> computed = scan.files.at(p.path).Hex(p.algorithm);
  if (!computed) return;
  if (!HexDigestEquals(f.checksum, *computed)) {
    r->Add("FILE-CHECKSUM",
           std::string(MetsChecksumName(p.algorithm)) + " of '" + p.path + "' is " + *computed + ", declared " +
               f.checksum,
           p.mets->doc.path, f.line);
  }
}

}  // namespace

PackageValidator::PackageValidator(Env* env, std::shared_ptr<const SchemaSet> schemas, ValidatorOptions options)
    : env_(env), schemas_(std::move(schemas)), options_(options) {}

PackageValidator::~PackageValidator() = default;

Result<ValidationReport> PackageValidator::Validate(const std::string& path) {
  auto start = std::chrono::steady_clock::now();
  ValidationReport report;
  report.package = path;
  PackageScanner scanner(env_, schemas_, options_);
  ScanResult scan;
  BEVARA_RETURN_IF_ERROR(scanner.Scan(path, &scan));
  report.format = scan.format;
  report.file_count = scan.files.size();
  report.total_bytes = scan.total_bytes;
  for (const char* rule : kReaderRules) report.Checked(rule);

  bool complete = scan.stopped.ok();
  if (!complete) {
    if (!scan.stopped.IsRejected()) return scan.stopped;  // an I/O error: no verdict
    report.Add(scan.stopped.rule(), scan.stopped.message(), scan.stopped.location());
  } else if (scan.files.empty()) {
    report.Add("PKG-EMPTY", "the package holds no files", path);
  }

  // The XML documents themselves.
  for (const auto& mets : scan.mets) ReportXml(mets->xml, mets->doc.path, /*is_mets=*/true, &report);
  for (const ScannedXml& x : scan.metadata) ReportXml(x.xml, x.path, /*is_mets=*/false, &report);

  report.Checked("PKG-NO-METS");
  if (scan.root < 0) {
    if (complete && !scan.files.empty()) {
      report.Add("PKG-NO-METS", "no METS.xml or sip.xml at the package root", path);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  }
  const ParsedMets& root = *scan.mets[scan.root];
  PackageProfile profile = root.is_sip_xml ? PackageProfile::kFgs1 : PackageProfile::kCsip;
  report.profile = ProfileName(profile);
  report.objid = root.doc.objid;

  // Profile rules, for documents that are METS at all.
  report.Checked("XML-NOT-METS");
  for (const auto& mets : scan.mets) {
    if (!mets->xml.well_formed) continue;
    if (mets->doc.root_name != "mets" || mets->doc.root_namespace != ToUtf8(kMetsNamespace)) {
      report.Add("XML-NOT-METS", "root element is {" + mets->doc.root_namespace + "}" + mets->doc.root_name,
                 mets->doc.path);
      continue;
    }
    if (mets->is_root) {
      CheckRootMets(mets->doc, profile, mets->doc.path, &report);
    } else {
      CheckRepresentationMets(mets->doc, mets->doc.path, &report);
    }
  }

  // Declared files against the files present.
  report.Checked({"FILE-MISSING", "FILE-SIZE", "FILE-CHECKSUM", "FILE-CHECKSUM-TYPE", "METS-HREF-REMOTE",
                  "METS-HREF-INVALID", "METS-HREF-ESCAPE", "METS-HREF-PLUS"});
  std::vector<PendingChecksum> pending;
  std::unordered_map<std::string, DigestSet> rehash;
  for (const auto& mets_ptr : scan.mets) {
    const ParsedMets& mets = *mets_ptr;
    for (size_t i = 0; i < mets.doc.files.size(); ++i) {
      const FileDeclaration& f = mets.doc.files[i];
      if (!f.has_href) continue;  // reported by the profile checks
      const Result<std::string> resolved = mets.Resolve(f);
      if (!resolved.ok()) {
        report.Add(resolved.status().rule(), resolved.status().message(), mets.doc.path, f.line);
        continue;
      }
      std::string plus;
      const std::string* found = LocateDeclared(*resolved, f.href, scan, &plus);
      if (found == nullptr) {
        if (complete) report.Add("FILE-MISSING", "declared file '" + *resolved + "' is not in the package", mets.doc.path, f.line);
        continue;
      }
      if (found == &plus) {
        report.Add("METS-HREF-PLUS", "'" + f.href + "' uses '+' for a space", mets.doc.path, f.line);
      }
      const std::string found_path = *found;
      ScannedFile& file = scan.files.at(found_path);
      file.declared = true;
      if (f.size >= 0 && static_cast<uint64_t>(f.size) != file.size) {
        report.Add("FILE-SIZE",
                   "'" + found_path + "' has " + std::to_string(file.size) + " bytes, declared " + std::to_string(f.size),
                   mets.doc.path, f.line);
      }
      if (!f.has_checksum_type || !f.has_checksum) continue;  // reported by the profile checks
      auto alg = ParseMetsChecksumType(f.checksum_type);
      if (!alg) {
        report.Add("FILE-CHECKSUM-TYPE", "checksum type '" + f.checksum_type + "' of '" + *found + "' cannot be verified",
                   mets.doc.path, f.line);
        continue;
      }
      if (!file.Hex(*alg)) rehash[found_path] = rehash[found_path].With(*alg);
      pending.push_back({&mets, i, found_path, *alg});
    }
  }
  if (!rehash.empty() && complete) BEVARA_RETURN_IF_ERROR(scanner.Rehash(path, rehash, &scan));
  for (const PendingChecksum& p : pending) CompareChecksum(scan, p, &report);

  // Files present but declared nowhere, or outside the package root folder.
  report.Checked({"FILE-UNDECLARED", "PKG-OUTSIDE-ROOT", "METS-MPTR"});
  if (complete) {
    for (const std::string* path : scan.file_order) {
      const std::string& p = *path;
      if (p.compare(0, root.prefix.size(), root.prefix) != 0) {
        report.Add("PKG-OUTSIDE-ROOT", "'" + p + "' lies outside the package folder '" + root.prefix + "'", p);
      } else if (p != root.doc.path && !scan.files.at(p).declared) {
        report.Add("FILE-UNDECLARED", "'" + p + "' is in the package but no METS declares it", p);
      }
    }
  }
  for (const MetsPointer& m : root.doc.mets_pointers) {
    Result<std::string> target = ResolveHref(m.href, root.dir);
    std::string plus;
    if (!target.ok() || LocateDeclared(root.prefix + *target, m.href, scan, &plus) == nullptr) {
      report.Add("METS-MPTR", "mptr '" + m.href + "' does not point to a file in the package", root.doc.path, m.line);
    }
  }
  if (profile == PackageProfile::kCsip && complete) {
    report.Checked("PKG-REPRESENTATIONS");
    bool has_representations = false;
    for (const std::string* p : scan.file_order)
      has_representations = has_representations || p->compare(0, root.prefix.size() + 16, root.prefix + "representations/") == 0;
    if (!has_representations) report.Add("PKG-REPRESENTATIONS", "the package has no representations/ folder", path);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace bevara::ingest
