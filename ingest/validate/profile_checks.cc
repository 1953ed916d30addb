#include "ingest/validate/profile_checks.h"

#include "ingest/mets/xsd_values.h"
#include "ingest/validate/mets_rules_internal.h"
#include "ingest/validate/vocabularies.h"

namespace bevara::ingest {
namespace {

// Dates, sizes and other values found malformed while parsing.
void CheckValues(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"METS-DATE", "METS-SIZE-VALUE", "METS-TOO-MANY-FILES"});
  if (doc.too_many_declarations) {
    r->Add("METS-TOO-MANY-FILES", "the METS document declares more than twice as many files as a package may hold",
           place.shown);
  }
  auto check_date = [&](const std::string& value, const char* what, uint64_t line) {
    if (!value.empty() && !IsXsdDateTime(value)) {
      r->Add("METS-DATE", std::string(what) + " '" + value + "' is not a valid date and time", place.shown, line);
    }
  };
  check_date(doc.create_date, "metsHdr/@CREATEDATE", doc.header_line);
  check_date(doc.last_mod_date, "metsHdr/@LASTMODDATE", doc.header_line);
  for (const MetadataSection& s : doc.metadata_sections) check_date(s.created, "CREATED", s.line);
  for (const ValueIssue& issue : doc.value_issues) r->Add(issue.rule, issue.message, place.shown, issue.line);
}

// mets/@OBJID, @TYPE, @PROFILE and the content information type (CSIP1-6).
void CheckCsipRoot(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP1", "CSIP2", "CSIP4", "CSIP6"});  // CSIP3 and CSIP5 are reported under CSIP2 and CSIP4
  if (!doc.has_objid || doc.objid.empty()) {
    r->Add("CSIP1", "mets has no OBJID", place.shown);
  } else if (!place.folder.empty() && doc.objid != place.folder) {
    r->AddAs(Severity::kWarning, "CSIP1",
             "mets/@OBJID '" + doc.objid + "' is not the name of its folder '" + place.folder + "'", place.shown);
  }
  if (!doc.has_type || doc.type.empty()) {
    r->Add("CSIP2", "mets has no TYPE", place.shown);
  } else if (!IsCsipContentCategory(doc.type)) {
    r->Add("CSIP2", "mets/@TYPE '" + doc.type + "' is not a CSIP content category (use OTHER with csip:OTHERTYPE)",
           place.shown);
  } else if ((doc.type == "OTHER" || doc.type == "Other") && doc.csip_other_type.empty()) {
    // CSIP2 itself says a category outside the vocabulary is OTHER with
    // csip:OTHERTYPE naming it; CSIP3 repeats it as a SHOULD.
    r->Add("CSIP2", "mets/@TYPE is OTHER but csip:OTHERTYPE does not name the category", place.shown);
  }
  const std::string& cit = doc.content_information_type;
  if (!doc.has_content_information_type || cit.empty()) {
    r->Add("CSIP4", "mets has no csip:CONTENTINFORMATIONTYPE", place.shown);
  } else if (!IsCsipContentInformationType(cit)) {
    r->Add("CSIP4", "csip:CONTENTINFORMATIONTYPE '" + cit + "' is not in the CSIP vocabulary", place.shown);
  } else if (cit == "OTHER" && doc.other_content_information_type.empty()) {
    r->Add("CSIP4", "csip:CONTENTINFORMATIONTYPE is OTHER but csip:OTHERCONTENTINFORMATIONTYPE is missing",
           place.shown);
  }
  if (!doc.has_profile || doc.profile.empty()) {
    r->Add("CSIP6", "mets has no PROFILE", place.shown);
  } else if (doc.profile.rfind("http", 0) != 0) {
    r->Add("CSIP6", "mets/@PROFILE '" + doc.profile + "' is not a profile URL", place.shown);
  }
}

// What E-ARK SIP 2.1 adds on the package's own METS (SIP1-8, SIP32-35).
void CheckSipRoot(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"SIP1", "SIP2", "SIP3", "SIP4", "SIP5", "SIP6", "SIP7", "SIP8", "SIP32", "SIP33", "SIP34", "SIP35"});
  if (!doc.has_label || doc.label.empty()) r->Add("SIP1", "mets has no LABEL naming the package", place.shown);
  if (IsEarkCsipProfile(doc.profile)) {
    // The CSIP profile the SIP profile extends (commons-ip writes it): the
    // package is a CSIP package, read as a SIP.
    r->AddAs(Severity::kWarning, "SIP2", "mets/@PROFILE names the CSIP profile; an E-ARK SIP names "
             "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml", place.shown);
  } else if (doc.has_profile && !doc.profile.empty() && !IsEarkSipProfile(doc.profile)) {
    r->Add("SIP2", "mets/@PROFILE '" + doc.profile + "' is not https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",
           place.shown);
  } else if (!doc.has_profile || doc.profile.empty()) {
    r->Add("SIP2", "mets has no PROFILE; an E-ARK SIP names https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",
           place.shown);
  }
  if (doc.has_header && doc.has_record_status && !IsSipRecordStatus(doc.record_status)) {
    r->Add("SIP3", "metsHdr/@RECORDSTATUS '" + doc.record_status + "' is not a SIP record status", place.shown,
           doc.header_line);
  } else if (doc.has_header && !doc.has_record_status) {
    r->Add("SIP3", "metsHdr has no RECORDSTATUS; the package is taken as NEW", place.shown, doc.header_line);
  }
  if (doc.has_header && doc.oais_package_type != "SIP") {
    r->Add("SIP4", "metsHdr/@csip:OAISPACKAGETYPE is '" + doc.oais_package_type + "', not SIP", place.shown,
           doc.header_line);
  }
  struct AltRule { const char* type; const char* rule; bool once; };
  for (const AltRule& a : {AltRule{"SUBMISSIONAGREEMENT", "SIP5", true}, AltRule{"PREVIOUSSUBMISSIONAGREEMENT", "SIP6", false},
                           AltRule{"REFERENCECODE", "SIP7", true}, AltRule{"PREVIOUSREFERENCECODE", "SIP8", false}}) {
    int count = 0;
    for (const AltRecordId& alt : doc.alt_record_ids) {
      if (alt.type != a.type) continue;
      ++count;
      if (internal::IsBlank(alt.text)) {
        r->Add(a.rule, std::string("altRecordID ") + a.type + " is empty", place.shown, alt.line);
      }
    }
    // Only the submission agreement is worth a note when absent; the others are the exception.
    if (count == 0 && std::string_view(a.rule) == "SIP5") r->Add(a.rule, std::string("metsHdr has no altRecordID ") + a.type, place.shown, doc.header_line);
    if (a.once && count > 1) r->Add(a.rule, std::string("altRecordID ") + a.type + " appears more than once", place.shown);
  }
  static const char* const kFormatRules[] = {"SIP32", "SIP33", "SIP34", "SIP35"};
  static const char* const kFormatNames[] = {"FILEFORMATNAME", "FILEFORMATVERSION", "FILEFORMATREGISTRY",
                                             "FILEFORMATREGISTRYKEY"};
  for (const FileDeclaration& f : doc.files) {
    for (int bit = 0; bit < 4; ++bit) {
      if (f.sip_format_empty & (1 << bit)) {
        r->AddAs(Severity::kInfo, kFormatRules[bit],
                 "file '" + f.id + "' has an empty sip:" + kFormatNames[bit], place.shown, f.line);
      }
    }
  }
}

}  // namespace

PackageProfile DetectProfile(const MetsDocument& root, bool root_file_is_sip_xml) {
  // An E-ARK profile URL is held to CSIP/SIP whatever else the document
  // carries: a stray ext: attribute must not buy a package the 1.x rules.
  if (IsEarkSipProfile(root.profile) || IsEarkCsipProfile(root.profile)) {
    return PackageProfile::kFgs2;
  }
  bool oaistype = internal::FindExt(root.ext_root, "OAISTYPE") != nullptr;
  bool oaisstatus = internal::FindExt(root.ext_header, "OAISSTATUS") != nullptr;
  bool fgs1 = root_file_is_sip_xml || oaistype || oaisstatus ||
              root.profile.find("CommonSpecificationSwedenPackageProfile") != std::string::npos;
  if (!fgs1) return PackageProfile::kFgs2;
  return oaistype && !oaisstatus ? PackageProfile::kFgs10 : PackageProfile::kFgs12;
}

const char* ProfileName(PackageProfile p) {
  switch (p) {
    case PackageProfile::kFgs2: return "FGS Paketstruktur 2.0 (E-ARK CSIP 2.1 + SIP 2.1)";
    case PackageProfile::kFgs12: return "FGS Paketstruktur 1.2 (CommonSpecificationSwedenPackageProfile)";
    case PackageProfile::kFgs10: return "FGS Paketstruktur 1.0/1.1 (CommonSpecificationSwedenPackageProfile)";
  }
  return "?";
}

void CheckRootMets(const MetsDocument& doc, PackageProfile profile, const MetsPlace& place, ValidationReport* r) {
  if (IsFgs1(profile)) {
    internal::CheckFgs1(doc, place, r);
  } else {
    CheckCsipRoot(doc, place, r);
    internal::CheckCsipHeader(doc, /*sip_root=*/true, place, r);
    CheckSipRoot(doc, place, r);
    internal::CheckMetadataSections(doc, place, r);
    internal::CheckStructMap(doc, /*root=*/true, place, r);
  }
  // FGS 1.x names its own file groups, and METS 1.12 makes fileSec/@ID
  // optional: CSIP58-66 are not 1.x rules.
  if (!IsFgs1(profile)) internal::CheckFileSection(doc, /*root=*/true, place, r);
  internal::CheckDeclarations(doc, IsFgs1(profile), place, r);
  CheckValues(doc, place, r);
}

void CheckRepresentationMets(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  CheckCsipRoot(doc, place, r);
  internal::CheckCsipHeader(doc, /*sip_root=*/false, place, r);
  internal::CheckMetadataSections(doc, place, r);
  internal::CheckFileSection(doc, /*root=*/false, place, r);
  internal::CheckStructMap(doc, /*root=*/false, place, r);
  internal::CheckDeclarations(doc, /*fgs1=*/false, place, r);
  CheckValues(doc, place, r);
}

}  // namespace bevara::ingest
