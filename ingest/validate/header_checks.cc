// metsHdr: the package header and its agents (CSIP117, CSIP7-16, SIP9-31).
#include <chrono>

#include "ingest/mets/xsd_values.h"
#include "ingest/validate/mets_rules_internal.h"
#include "ingest/validate/vocabularies.h"

namespace bevara::ingest::internal {
namespace {

bool IsSoftwareAgent(const MetsAgent& a) {
  return a.role == "CREATOR" && a.type == "OTHER" && a.other_type == "SOFTWARE";
}

// How much an agent looks like the mandatory software agent: TYPE=OTHER and
// OTHERTYPE=SOFTWARE say more than ROLE=CREATOR, which the submitter shares.
int SoftwareLikeness(const MetsAgent& a) {
  return (a.role == "CREATOR" ? 1 : 0) + (a.type == "OTHER" ? 2 : 0) + (a.other_type == "SOFTWARE" ? 2 : 0);
}

void CheckSoftwareAgent(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP10", "CSIP11", "CSIP12", "CSIP13", "CSIP14", "CSIP15", "CSIP16"});
  const MetsAgent* software = nullptr;
  for (const MetsAgent& a : doc.agents)
    if (software == nullptr && IsSoftwareAgent(a)) software = &a;
  if (software == nullptr) {
    r->Add("CSIP10", "metsHdr has no agent with ROLE=CREATOR, TYPE=OTHER, OTHERTYPE=SOFTWARE", place.shown,
           doc.header_line);
    const MetsAgent* best = nullptr;
    for (const MetsAgent& a : doc.agents)
      if (SoftwareLikeness(a) >= 2 && (best == nullptr || SoftwareLikeness(a) > SoftwareLikeness(*best))) best = &a;
    if (best == nullptr) return;
    if (best->role != "CREATOR") r->Add("CSIP11", "the software agent's ROLE is '" + best->role + "', not CREATOR", place.shown, best->line);
    if (best->type != "OTHER") r->Add("CSIP12", "the software agent's TYPE is '" + best->type + "', not OTHER", place.shown, best->line);
    if (best->other_type != "SOFTWARE") {
      r->Add("CSIP13", "the software agent's OTHERTYPE is '" + best->other_type + "', not SOFTWARE", place.shown, best->line);
    }
    software = best;
  }
  if (software->name.empty()) r->Add("CSIP14", "the software agent has no name", place.shown, software->line);
  if (software->notes.size() != 1) {
    r->Add("CSIP15", "the software agent has " + std::to_string(software->notes.size()) + " notes, not one with its version",
           place.shown, software->line);
  } else if (IsBlank(software->notes[0].second)) {
    r->Add("CSIP15", "the software agent's version note is empty", place.shown, software->line);
  }
  bool typed = false;
  for (const auto& [type, text] : software->notes) typed = typed || type == "SOFTWARE VERSION";
  if (!software->notes.empty() && !typed) {
    r->Add("CSIP16", "the software agent's note is not typed SOFTWARE VERSION", place.shown, software->line);
  }
}

// The agents E-ARK SIP describes besides the software: archival creator
// (ARCHIVIST), submitter (CREATOR, ORGANIZATION), contact person (CREATOR,
// INDIVIDUAL) and preservation agent (PRESERVATION).
void CheckSipAgents(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"SIP11", "SIP14", "SIP20", "SIP24", "SIP28", "SIP31", "METS-AGENT-ARCHIVIST", "METS-AGENT-SUBMITTER"});
  bool archivist = false, submitter = false;
  auto notes_typed = [](const MetsAgent& a) {
    for (const auto& [type, text] : a.notes)
      if (type != "IDENTIFICATIONCODE") return false;
    return true;
  };
  for (const MetsAgent& a : doc.agents) {
    if (a.role == "ARCHIVIST") {
      archivist = archivist || a.type == "ORGANIZATION";
      if (a.type != "ORGANIZATION" && a.type != "INDIVIDUAL") {
        r->Add("SIP11", "the archival creator agent's TYPE is '" + a.type + "', not ORGANIZATION or INDIVIDUAL", place.shown, a.line);
      }
      if (!notes_typed(a)) r->Add("SIP14", "the archival creator agent's note is not typed IDENTIFICATIONCODE", place.shown, a.line);
    } else if (a.role == "CREATOR" && a.type == "ORGANIZATION") {
      submitter = true;
      if (!notes_typed(a)) r->Add("SIP20", "the submitting agent's note is not typed IDENTIFICATIONCODE", place.shown, a.line);
    } else if (a.role == "CREATOR" && a.type == "INDIVIDUAL") {
      if (a.name.empty()) r->Add("SIP24", "the contact person agent has no name", place.shown, a.line);
    } else if (a.role == "PRESERVATION") {
      if (a.type != "ORGANIZATION") r->Add("SIP28", "the preservation agent's TYPE is '" + a.type + "', not ORGANIZATION", place.shown, a.line);
      if (!notes_typed(a)) r->Add("SIP31", "the preservation agent's note is not typed IDENTIFICATIONCODE", place.shown, a.line);
    } else if (a.role == "OTHER" && a.other_role == "SUBMITTER" && a.type == "ORGANIZATION") {
      submitter = true;  // as FGS 1.x writes it
    }
  }
  if (!archivist) r->Add("METS-AGENT-ARCHIVIST", "metsHdr names no archival creator organisation", place.shown, doc.header_line);
  if (!submitter) r->Add("METS-AGENT-SUBMITTER", "metsHdr names no submitting organisation", place.shown, doc.header_line);
}

}  // namespace

void CheckCsipHeader(const MetsDocument& doc, bool sip_root, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP117", "CSIP7", "CSIP8", "CSIP9"});
  if (!doc.has_header) {
    r->Add("CSIP117", "the METS document has no metsHdr", place.shown);
    return;
  }
  if (doc.create_date.empty()) r->Add("CSIP7", "metsHdr has no CREATEDATE", place.shown, doc.header_line);
  if (!doc.has_last_mod_date) {
    r->Add("CSIP8", "metsHdr has no LASTMODDATE", place.shown, doc.header_line);
  } else if (auto day = XsdDay(doc.last_mod_date);
             day && *day > std::chrono::floor<std::chrono::days>(place.now) + std::chrono::days(1)) {
    r->Add("CSIP8", "metsHdr/@LASTMODDATE '" + doc.last_mod_date + "' lies in the future", place.shown, doc.header_line);
  }
  if (!doc.has_oais_package_type || doc.oais_package_type.empty()) {
    r->Add("CSIP9", "metsHdr has no csip:OAISPACKAGETYPE", place.shown, doc.header_line);
  } else if (!IsCsipOaisPackageType(doc.oais_package_type)) {
    r->Add("CSIP9", "metsHdr/@csip:OAISPACKAGETYPE '" + doc.oais_package_type + "' is not SIP, AIP, DIP, AIU or AIC",
           place.shown, doc.header_line);
  }
  // The software agent records what made the package: the package's own
  // METS names it (representation METS from commons-ip do not).
  if (sip_root) {
    CheckSoftwareAgent(doc, place, r);
    CheckSipAgents(doc, place, r);
  }
}

}  // namespace bevara::ingest::internal
