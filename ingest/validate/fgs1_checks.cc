// The Swedish METS profile of FGS Paketstruktur 1.0-1.2
// (CommonSpecificationSwedenPackageProfile, ext: = namespace "ExtensionMETS").
// Its required parts, as Riksarkivet's profile and ESSArch's SE SIP template
// name them. CSIP's own rules do not apply where the 1.x profile differs.
#include "ingest/validate/mets_rules_internal.h"
#include "ingest/validate/vocabularies.h"

namespace bevara::ingest::internal {
namespace {

void CheckAgents(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  struct Wanted { const char* role; const char* type; const char* other_type; };
  for (const Wanted& w : {Wanted{"ARCHIVIST", "ORGANIZATION", ""}, Wanted{"CREATOR", "ORGANIZATION", ""},
                          Wanted{"IPOWNER", "ORGANIZATION", ""}, Wanted{"ARCHIVIST", "OTHER", "SOFTWARE"}}) {
    bool found = false;
    for (const MetsAgent& a : doc.agents) {
      found = found || (a.role == w.role && a.type == w.type && (*w.other_type == 0 || a.other_type == w.other_type));
    }
    if (!found) {
      std::string what = std::string(w.role) + "/" + w.type + (*w.other_type ? std::string("/") + w.other_type : "");
      r->Add("FGS1-AGENTS", "metsHdr has no " + what + " agent", place.shown, doc.header_line);
    }
  }
}

}  // namespace

void CheckFgs1(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"FGS1-PROFILE", "FGS1-OBJID", "FGS1-TYPE", "FGS1-OAISSTATUS", "FGS1-AGENTS", "FGS1-SUBMISSIONAGREEMENT",
              "FGS1-EXT-VALUES", "FGS1-CREATEDATE"});
  if (!doc.has_objid || doc.objid.empty()) r->Add("FGS1-OBJID", "mets has no OBJID", place.shown);
  if (!doc.has_type || doc.type.empty()) {
    r->Add("FGS1-TYPE", "mets has no TYPE", place.shown);
  } else if (!IsFgsPackageType(doc.type)) {
    r->Add("FGS1-TYPE", "mets/@TYPE '" + Shorten(doc.type) + "' is not in the FGS 1.x list", place.shown);
  }
  const std::string* status = FindExt(doc.ext_header, "OAISSTATUS");
  if (status == nullptr) status = FindExt(doc.ext_root, "OAISTYPE");
  if (status == nullptr) {
    r->Add("FGS1-OAISSTATUS", "neither metsHdr/@ext:OAISSTATUS (1.2) nor mets/@ext:OAISTYPE (1.0) is given", place.shown);
  } else if (*status != "SIP") {
    // bevara takes in submission packages; an AIP or DIP is not one.
    r->Add("FGS1-OAISSTATUS", "the OAIS type is '" + Shorten(*status) + "', not SIP", place.shown);
  }
  if (doc.profile.find("CommonSpecificationSwedenPackageProfile") == std::string::npos) {
    r->Add("FGS1-PROFILE", "mets/@PROFILE '" + Shorten(doc.profile) +
                               "' does not name CommonSpecificationSwedenPackageProfile", place.shown);
  }
  if (!doc.has_header || doc.create_date.empty()) {
    r->Add("FGS1-CREATEDATE", "metsHdr/@CREATEDATE is missing", place.shown, doc.header_line);
  }
  if (doc.has_header) CheckAgents(doc, place, r);
  bool agreement = false;
  for (const AltRecordId& alt : doc.alt_record_ids) {
    agreement = agreement || (alt.type == "SUBMISSIONAGREEMENT" && !IsBlank(alt.text));
  }
  if (!agreement) {
    r->Add("FGS1-SUBMISSIONAGREEMENT", "metsHdr has no altRecordID TYPE=\"SUBMISSIONAGREEMENT\" naming the agreement",
           place.shown, doc.header_line);
  }
  struct ListedValue { const std::vector<std::pair<std::string, std::string>>* attrs; const char* name; bool (*ok)(std::string_view); };
  for (const ListedValue& l : {ListedValue{&doc.ext_root, "ACCESSRESTRICT", IsFgsAccessRestrict},
                               ListedValue{&doc.ext_root, "APPRAISAL", IsFgsAppraisal},
                               ListedValue{&doc.ext_header, "AGREEMENTFORM", IsFgsAgreementForm}}) {
    const std::string* v = FindExt(*l.attrs, l.name);
    if (v && !l.ok(*v)) r->Add("FGS1-EXT-VALUES", std::string("ext:") + l.name + " '" + *v + "' is not a listed value", place.shown);
  }
}

}  // namespace bevara::ingest::internal
