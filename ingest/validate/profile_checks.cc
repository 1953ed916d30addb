#include "ingest/validate/profile_checks.h"

#include <cctype>

#include "ingest/mets/xsd_values.h"

namespace bevara::ingest {
namespace {

// Checks common to every METS document: dates, sizes, and the attributes
// CSIP requires on every file and mdRef. (ID uniqueness and references are
// the schema's: see ReportXml in package_validator.cc.)
void CheckCommon(const MetsDocument& doc, const std::string& shown, ValidationReport* r) {
  r->Checked({"METS-DATE", "METS-SIZE-VALUE", "METS-TOO-MANY-FILES"});
  if (doc.too_many_declarations) {
    r->Add("METS-TOO-MANY-FILES", "the METS document declares more than twice as many files as a package may hold", shown);
  }
  auto check_date = [&](const std::string& value, const char* what, uint64_t line) {
    if (!value.empty() && !IsXsdDateTime(value)) {
      r->Add("METS-DATE", std::string(what) + " '" + value + "' is not a valid date and time", shown, line);
    }
  };
  check_date(doc.create_date, "metsHdr/@CREATEDATE", doc.header_line);
  check_date(doc.last_mod_date, "metsHdr/@LASTMODDATE", doc.header_line);
  for (const MetadataSection& s : doc.metadata_sections) check_date(s.created, "CREATED", s.line);
  for (const ValueIssue& issue : doc.value_issues) r->Add(issue.rule, issue.message, shown, issue.line);

  r->Checked({"CSIP67", "CSIP68", "CSIP69", "CSIP70", "CSIP71", "CSIP72", "CSIP76", "CSIP77", "CSIP78", "CSIP79",
              "CSIP22", "CSIP23", "CSIP24", "CSIP26", "CSIP27", "CSIP28", "CSIP29", "CSIP30"});
  for (const FileDeclaration& f : doc.files) {
    bool is_file = f.kind == FileDeclaration::Kind::kFile;
    std::string what = is_file ? "file '" + f.id + "'" : "mdRef '" + f.id + "'";
    auto need = [&](bool present, const char* file_rule, const char* mdref_rule, const char* attr) {
      if (!present) r->Add(is_file ? file_rule : mdref_rule, what + " has no " + attr, shown, f.line);
    };
    if (is_file) need(!f.id.empty(), "CSIP67", "CSIP67", "ID");
    need(f.has_mimetype, "CSIP68", "CSIP26", "MIMETYPE");
    need(f.has_size, "CSIP69", "CSIP27", "SIZE");
    need(f.has_created, "CSIP70", "CSIP28", "CREATED");
    need(f.has_checksum, "CSIP71", "CSIP29", "CHECKSUM");
    need(f.has_checksum_type, "CSIP72", "CSIP30", "CHECKSUMTYPE");
    if (is_file && f.flocat_count != 1) {
      r->Add("CSIP76", what + " has " + std::to_string(f.flocat_count) + " FLocat elements, not one", shown, f.line);
    }
    if (!f.loctype_url) r->Add(is_file ? "CSIP77" : "CSIP22", what + " has no LOCTYPE=\"URL\"", shown, f.line);
    if (!f.xlink_simple) r->Add(is_file ? "CSIP78" : "CSIP23", what + " has no xlink:type=\"simple\"", shown, f.line);
    need(f.has_href, "CSIP79", "CSIP24", "xlink:href");
  }
}

bool IsSoftwareAgent(const MetsAgent& a) {
  return a.role == "CREATOR" && a.type == "OTHER" && a.other_type == "SOFTWARE";
}

void CheckHeader(const MetsDocument& doc, PackageProfile profile, const std::string& shown, ValidationReport* r) {
  r->Checked({"CSIP117", "CSIP7"});
  if (!doc.has_header) {
    r->Add("CSIP117", "the METS document has no metsHdr", shown);
    return;
  }
  if (doc.create_date.empty()) r->Add("CSIP7", "metsHdr has no CREATEDATE", shown, doc.header_line);
  r->Checked({"METS-AGENT-ARCHIVIST", "METS-AGENT-SUBMITTER"});
  bool archivist = false, submitter = false;
  for (const MetsAgent& a : doc.agents) {
    archivist = archivist || (a.role == "ARCHIVIST" && a.type == "ORGANIZATION");
    // E-ARK SIP names the submitter ROLE=CREATOR; FGS 1.x packages write
    // ROLE=OTHER with OTHERROLE=SUBMITTER.
    submitter = submitter || (a.type == "ORGANIZATION" && (a.role == "CREATOR" ||
                                                           (a.role == "OTHER" && a.other_role == "SUBMITTER")));
  }
  if (!archivist) r->Add("METS-AGENT-ARCHIVIST", "metsHdr names no archival creator organisation", shown, doc.header_line);
  if (!submitter) r->Add("METS-AGENT-SUBMITTER", "metsHdr names no submitting organisation", shown, doc.header_line);
  if (profile != PackageProfile::kCsip) return;

  r->Checked({"CSIP9", "CSIP10", "CSIP14", "CSIP15", "CSIP16"});
  if (doc.oais_package_type != "SIP") {
    r->Add("CSIP9", "metsHdr/@csip:OAISPACKAGETYPE is '" + doc.oais_package_type + "', not SIP", shown, doc.header_line);
  }
  const MetsAgent* software = nullptr;
  for (const MetsAgent& a : doc.agents)
    if (IsSoftwareAgent(a)) software = &a;
  if (software == nullptr) {
    r->Add("CSIP10", "metsHdr has no agent with ROLE=CREATOR, TYPE=OTHER, OTHERTYPE=SOFTWARE", shown, doc.header_line);
    return;
  }
  if (software->name.empty()) r->Add("CSIP14", "the software agent has no name", shown, software->line);
  if (software->notes.empty()) {
    r->Add("CSIP15", "the software agent has no version note", shown, software->line);
  } else {
    bool typed = false;
    for (const auto& [type, text] : software->notes) typed = typed || type == "SOFTWARE VERSION";
    if (!typed) r->Add("CSIP16", "the software agent's note is not typed SOFTWARE VERSION", shown, software->line);
  }
}

void CheckMetadataSections(const MetsDocument& doc, PackageProfile profile, const std::string& shown,
                           ValidationReport* r) {
  r->Checked({"CSIP18", "CSIP19", "CSIP21"});
  bool has_dmd = false;
  for (const MetadataSection& s : doc.metadata_sections) {
    if (s.element == "dmdSec") {
      has_dmd = true;
      if (s.id.empty()) r->Add("CSIP18", "dmdSec has no ID", shown, s.line);
      if (s.created.empty()) r->Add("CSIP19", "dmdSec has no CREATED date", shown, s.line);
    }
    if (!s.has_mdref) {
      r->Add("CSIP21", s.element + " '" + s.id + "' does not reference its metadata with mdRef", shown, s.line);
    }
  }
  // FGS 1.x carries its descriptive metadata in content/, not in a dmdSec.
  if (profile != PackageProfile::kCsip) return;
  r->Checked("CSIP17");
  if (!has_dmd) r->Add("CSIP17", "no descriptive metadata (dmdSec) is referenced", shown);
}

// `csip_groups`: the root METS of a CSIP package, which must name its
// Documentation, Schemas and Representations groups (FGS 1.x uses its own).
void CheckFileSection(const MetsDocument& doc, bool csip_groups, const std::string& shown, ValidationReport* r) {
  r->Checked({"CSIP58", "CSIP59", "CSIP64", "CSIP65"});
  if (!doc.has_file_sec) {
    r->Add("CSIP58", "the METS document has no fileSec", shown);
    return;
  }
  if (doc.file_sec_id.empty()) r->Add("CSIP59", "fileSec has no ID", shown);
  bool documentation = false, schemas = false, representations = false;
  for (const FileGroup& g : doc.file_groups) {
    if (g.use.empty()) r->Add("CSIP64", "fileGrp '" + g.id + "' has no USE", shown, g.line);
    if (g.id.empty()) r->Add("CSIP65", "fileGrp with USE '" + g.use + "' has no ID", shown, g.line);
    documentation = documentation || g.use == "Documentation";
    schemas = schemas || g.use == "Schemas";
    representations = representations || g.use.rfind("Representations", 0) == 0;
  }
  if (!csip_groups) return;
  r->Checked({"CSIP60", "CSIP113", "CSIP114"});
  if (!documentation) r->Add("CSIP60", "no fileGrp with USE=\"Documentation\"", shown);
  if (!schemas) r->Add("CSIP113", "no fileGrp with USE=\"Schemas\"", shown);
  if (!representations) r->Add("CSIP114", "no fileGrp with USE=\"Representations/...\"", shown);
}

void CheckStructMap(const MetsDocument& doc, const std::string& shown, ValidationReport* r) {
  r->Checked({"CSIP80", "CSIP83"});
  bool csip_map = false;
  for (const StructMapInfo& m : doc.struct_maps) {
    csip_map = csip_map || (m.type == "PHYSICAL" && m.label == "CSIP");
    if (m.id.empty()) r->Add("CSIP83", "structMap has no ID", shown, m.line);
  }
  if (!csip_map) r->Add("CSIP80", "no structMap with TYPE=\"PHYSICAL\" and LABEL=\"CSIP\"", shown);
}

}  // namespace

const char* ProfileName(PackageProfile p) {
  return p == PackageProfile::kCsip ? "FGS Paketstruktur 1.2 / E-ARK CSIP 2" : "FGS Paketstruktur 1.0/1.1";
}

void CheckRootMets(const MetsDocument& doc, PackageProfile profile, const std::string& shown,
                   ValidationReport* r) {
  r->Checked({"CSIP1", "CSIP2", "CSIP6"});
  if (!doc.has_objid || doc.objid.empty()) r->Add("CSIP1", "mets has no OBJID", shown);
  if (!doc.has_type || doc.type.empty()) r->Add("CSIP2", "mets has no TYPE", shown);
  if (!doc.has_profile || doc.profile.empty()) {
    r->Add("CSIP6", "mets has no PROFILE", shown);
  } else if (profile == PackageProfile::kCsip && doc.profile.find("http") != 0) {
    r->Add("CSIP6", "mets/@PROFILE '" + doc.profile + "' is not a profile URL", shown);
  }
  if (profile == PackageProfile::kCsip) {
    r->Checked({"CSIP3", "CSIP4", "CSIP5"});
    if (doc.type == "OTHER" && doc.csip_other_type.empty()) {
      r->Add("CSIP3", "mets/@TYPE is OTHER but csip:OTHERTYPE is missing", shown);
    }
    if (doc.content_information_type.empty()) {
      r->Add("CSIP4", "mets has no csip:CONTENTINFORMATIONTYPE", shown);
    } else if (doc.content_information_type == "OTHER" && doc.other_content_information_type.empty()) {
      r->Add("CSIP5", "csip:CONTENTINFORMATIONTYPE is OTHER but csip:OTHERCONTENTINFORMATIONTYPE is missing", shown);
    }
  }
  CheckHeader(doc, profile, shown, r);
  CheckMetadataSections(doc, profile, shown, r);
  CheckFileSection(doc, /*csip_groups=*/profile == PackageProfile::kCsip, shown, r);
  if (profile == PackageProfile::kCsip) CheckStructMap(doc, shown, r);
  CheckCommon(doc, shown, r);
}

void CheckRepresentationMets(const MetsDocument& doc, const std::string& shown, ValidationReport* r) {
  r->Checked("CSIP1");
  if (!doc.has_objid || doc.objid.empty()) r->Add("CSIP1", "representation METS has no OBJID", shown);
  CheckFileSection(doc, /*csip_groups=*/false, shown, r);
  CheckStructMap(doc, shown, r);
  CheckCommon(doc, shown, r);
}

}  // namespace bevara::ingest
