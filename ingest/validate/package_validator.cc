#include "ingest/validate/package_validator.h"

#include <chrono>

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

std::string NoteOfType(const MetsAgent& agent, std::string_view type) {
  for (const auto& [note_type, text] : agent.notes)
    if (note_type == type) return text;
  return {};
}

// The name of the folder a METS document describes: a representation's
// folder, or the package's root folder (an archive's wrapping folder or a
// directory's own name). An archive without a wrapping folder has none: its
// file name may be an upload's.
std::string FolderName(const ParsedMets& mets, const std::string& package, bool directory) {
  std::string_view dir = mets.dir;
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  if (!mets.is_root && !dir.empty()) return std::string(dir.substr(dir.rfind('/') + 1));
  std::string_view name = mets.prefix;
  if (name.empty() && directory) name = package;
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  return std::string(name.substr(name.rfind('/') + 1));
}

void CollectFacts(const ScanResult& scan, PackageFacts* facts) {
  const ParsedMets& root = *scan.mets[scan.root];
  const MetsDocument& d = root.doc;
  facts->root_prefix = root.prefix;
  facts->objid = d.objid;
  facts->label = d.label;
  facts->type = d.type;
  facts->profile = d.profile;
  facts->content_information_type = d.content_information_type;
  facts->create_date = d.create_date;
  for (const MetsAgent& a : d.agents) {
    bool submitter = a.role == "CREATOR" || (a.role == "OTHER" && a.other_role == "SUBMITTER");
    if (!submitter || a.type != "ORGANIZATION") continue;
    facts->producer_name = a.name;
    facts->producer_id = NoteOfType(a, "IDENTIFICATIONCODE");
    if (facts->producer_id.empty()) facts->producer_id = a.name;
    break;
  }
  for (const auto& mets : scan.mets) {
    for (const FileDeclaration& f : mets->doc.files) {
      if (!f.has_href) continue;
      Result<std::string> path = mets->Resolve(f.href);
      if (path.ok()) facts->declared.push_back({*path, f.mimetype});
    }
  }
}

}  // namespace

PackageValidator::PackageValidator(Env* env, std::shared_ptr<const SchemaSet> schemas, ValidatorOptions options)
    : env_(env), schemas_(std::move(schemas)), options_(options) {}

PackageValidator::~PackageValidator() = default;

Result<ValidationReport> PackageValidator::Validate(const std::string& path) {
  return Validate(path, nullptr, nullptr);
}

Result<ValidationReport> PackageValidator::Validate(const std::string& path, EntrySink* sink, PackageFacts* facts) {
  auto start = std::chrono::steady_clock::now();
  ValidationReport report;
  report.package = path;
  PackageScanner scanner(env_, schemas_, options_, sink);
  ScanResult scan;
  BEVARA_RETURN_IF_ERROR(scanner.Scan(path, &scan));
  report.format = scan.format;
  report.file_count = scan.file_count;
  report.total_bytes = scan.total_bytes;
  for (const char* rule : kReaderRules) report.Checked(rule);
  auto finish = [&] {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  };

  bool complete = scan.stopped.ok();
  if (!complete) {
    report.Add(scan.stopped.rule(), scan.stopped.message(), scan.stopped.location());
  } else if (scan.file_count == 0) {
    // Findings on the package as a whole name no location: the path given
    // here may be the server's upload file, which no report shows.
    report.Add("PKG-EMPTY", "the package holds no files");
  }

  // The XML documents themselves.
  for (const auto& mets : scan.mets) ReportXml(mets->xml, mets->doc.path, /*is_mets=*/true, &report);
  for (const ScannedXml& x : scan.metadata) ReportXml(x.xml, x.path, /*is_mets=*/false, &report);

  report.Checked("PKG-NO-METS");
  if (scan.root < 0) {
    if (complete && scan.file_count > 0) report.Add("PKG-NO-METS", "no METS.xml, mets.xml or sip.xml at the package root");
    return finish();
  }
  const ParsedMets& root = *scan.mets[scan.root];
  PackageProfile profile = DetectProfile(root.doc, root.is_sip_xml);
  report.profile = ProfileName(profile);
  report.objid = root.doc.objid;
  if (facts) CollectFacts(scan, facts);

  // Profile rules, for documents that are METS at all.
  report.Checked("XML-NOT-METS");
  for (const auto& mets : scan.mets) {
    if (!mets->xml.well_formed) continue;
    if (mets->doc.root_name != "mets" || mets->doc.root_namespace != ToUtf8(kMetsNamespace)) {
      report.Add("XML-NOT-METS", "root element is {" + mets->doc.root_namespace + "}" + mets->doc.root_name,
                 mets->doc.path);
      continue;
    }
    MetsPlace place{mets->doc.path, FolderName(*mets, path, scan.format == "directory")};
    if (mets->is_root) {
      CheckRootMets(mets->doc, profile, place, &report);
    } else {
      CheckRepresentationMets(mets->doc, place, &report);
    }
  }

  // Files against their declarations, as the scan found them.
  report.Checked({"FILE-MISSING", "FILE-SIZE", "FILE-CHECKSUM", "FILE-CHECKSUM-TYPE", "FILE-UNDECLARED",
                  "PKG-OUTSIDE-ROOT", "METS-HREF-REMOTE", "METS-HREF-INVALID", "METS-HREF-ESCAPE", "METS-HREF-PLUS",
                  "METS-MPTR"});
  for (Finding& f : scan.findings) report.Add(f.rule, std::move(f.message), std::move(f.path), f.line);
  for (const MetsPointer& m : root.doc.mets_pointers) {
    Result<std::string> target = root.Resolve(m.href);
    bool found = false;
    for (const auto& mets : scan.mets) {
      found = found || (target.ok() && (mets->doc.path == *target || mets->doc.path == PlusAsSpace(*target)));
    }
    if (!found) report.Add("METS-MPTR", "mptr '" + m.href + "' does not point to a representation METS", root.doc.path, m.line);
  }
  if (!IsFgs1(profile) && complete) {
    report.Checked("PKG-REPRESENTATIONS");
    if (!scan.has_representations) report.Add("PKG-REPRESENTATIONS", "the package has no representations/ folder");
    report.Checked("CSIPSTR5");
    if (!scan.has_metadata) report.Add("CSIPSTR5", "the package has no metadata/ folder");
  }
  return finish();
}

}  // namespace bevara::ingest
