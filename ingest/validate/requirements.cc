#include "ingest/validate/requirements.h"

#include <nlohmann/json.hpp>

namespace bevara::ingest {
namespace {

// Generated once from the E-ARK CSIP 2.1 and SIP 2.1 METS profiles'
// requirement lists (ids and levels), then annotated by hand.
const RequirementCoverage kRequirements[] = {
    {"CSIP1", "MUST", "CSIP1", "the folder-name part (SHOULD) is a warning, for directories and archives with a package folder"},
    {"CSIP2", "MUST", "CSIP2", ""},
    {"CSIP3", "SHOULD", "CSIP2", "reported under CSIP2, which says a category outside the vocabulary is OTHER with csip:OTHERTYPE"},
    {"CSIP4", "SHOULD", "CSIP4", ""},
    {"CSIP5", "MAY", "CSIP4", "reported under CSIP4, which requires the type to be named"},
    {"CSIP6", "MUST", "CSIP6", ""},
    {"CSIP117", "MUST", "CSIP117", ""},
    {"CSIP7", "MUST", "CSIP7", ""},
    {"CSIP8", "SHOULD", "CSIP8", "a date in the future is a warning too: the requirement is a SHOULD"},
    {"CSIP9", "MUST", "CSIP9", ""},
    {"CSIP10", "MUST", "CSIP10", "at the package METS; representation METS from commons-ip name no software agent"},
    {"CSIP11", "MUST", "CSIP11", ""},
    {"CSIP12", "MUST", "CSIP12", ""},
    {"CSIP13", "MUST", "CSIP13", ""},
    {"CSIP14", "MUST", "CSIP14", ""},
    {"CSIP15", "MUST", "CSIP15", ""},
    {"CSIP16", "MUST", "CSIP16", ""},
    {"CSIP17", "SHOULD", "CSIP17", ""},
    {"CSIP18", "MUST", "CSIP18", ""},
    {"CSIP19", "MUST", "CSIP19", ""},
    {"CSIP20", "SHOULD", "CSIP20", ""},
    {"CSIP21", "SHOULD", "CSIP21", ""},
    {"CSIP22", "MUST", "CSIP22", ""},
    {"CSIP23", "MUST", "CSIP23", ""},
    {"CSIP24", "MUST", "CSIP24 FILE-MISSING", "and the file must exist"},
    {"CSIP25", "MUST", "XML-SCHEMA", "MDTYPE is required by the METS schema"},
    {"CSIP26", "MUST", "CSIP26", ""},
    {"CSIP27", "MUST", "CSIP27 FILE-SIZE", "present; the value is compared with the file under FILE-SIZE"},
    {"CSIP28", "MUST", "CSIP28", ""},
    {"CSIP29", "MUST", "CSIP29 FILE-CHECKSUM", "present; the value is compared with the file under FILE-CHECKSUM"},
    {"CSIP30", "MUST", "CSIP30 FILE-CHECKSUM-TYPE", "present; the algorithm must be one bevara can verify"},
    {"CSIP31", "SHOULD", "CSIP31", ""},
    {"CSIP32", "SHOULD", "CSIP32", ""},
    {"CSIP33", "MUST", "CSIP33", ""},
    {"CSIP34", "SHOULD", "CSIP34", ""},
    {"CSIP35", "SHOULD", "CSIP35", ""},
    {"CSIP36", "MUST", "CSIP36", ""},
    {"CSIP37", "MUST", "CSIP37", ""},
    {"CSIP38", "MUST", "CSIP38 FILE-MISSING", "and the file must exist"},
    {"CSIP39", "MUST", "XML-SCHEMA", "MDTYPE is required by the METS schema"},
    {"CSIP40", "MUST", "CSIP40", ""},
    {"CSIP41", "MUST", "CSIP41 FILE-SIZE", "present; the value is compared with the file under FILE-SIZE"},
    {"CSIP42", "MUST", "CSIP42", ""},
    {"CSIP43", "MUST", "CSIP43 FILE-CHECKSUM", "present; the value is compared with the file under FILE-CHECKSUM"},
    {"CSIP44", "MUST", "CSIP44 FILE-CHECKSUM-TYPE", "present; the algorithm must be one bevara can verify"},
    {"CSIP45", "MAY", "", "a rights section is optional: nothing to check"},
    {"CSIP46", "MUST", "CSIP46", ""},
    {"CSIP47", "SHOULD", "CSIP47", ""},
    {"CSIP48", "SHOULD", "CSIP48", ""},
    {"CSIP49", "MUST", "CSIP49", ""},
    {"CSIP50", "MUST", "CSIP50", ""},
    {"CSIP51", "MUST", "CSIP51 FILE-MISSING", "and the file must exist"},
    {"CSIP52", "MUST", "XML-SCHEMA", "MDTYPE is required by the METS schema"},
    {"CSIP53", "MUST", "CSIP53", ""},
    {"CSIP54", "MUST", "CSIP54 FILE-SIZE", "present; the value is compared with the file under FILE-SIZE"},
    {"CSIP55", "MUST", "CSIP55", ""},
    {"CSIP56", "MUST", "CSIP56 FILE-CHECKSUM", "present; the value is compared with the file under FILE-CHECKSUM"},
    {"CSIP57", "MUST", "CSIP57 FILE-CHECKSUM-TYPE", "present; the algorithm must be one bevara can verify"},
    {"CSIP58", "SHOULD", "CSIP58", ""},
    {"CSIP59", "MUST", "CSIP59", ""},
    {"CSIP60", "MUST", "CSIP60", "an absent group is a warning: a package may have no documentation; a file outside its group is FILE-UNDECLARED"},
    {"CSIP113", "MUST", "CSIP113", "as CSIP60"},
    {"CSIP114", "MUST", "CSIP114", "as CSIP60"},
    {"CSIP61", "MAY", "CSIP61", ""},
    {"CSIP62", "SHOULD", "CSIP62", "on Representations groups"},
    {"CSIP63", "MAY", "CSIP63", ""},
    {"CSIP64", "MUST", "CSIP64", "USE names the folder its files lie in (documentation/, schemas/, representations/NAME/), at the top or below a representation"},
    {"CSIP65", "MUST", "CSIP65", ""},
    {"CSIP66", "MUST", "CSIP66", "an empty group is a warning (commons-ip writes them); a file left out of it is FILE-UNDECLARED"},
    {"CSIP67", "MUST", "CSIP67", ""},
    {"CSIP68", "MUST", "CSIP68", ""},
    {"CSIP69", "MUST", "CSIP69 FILE-SIZE", "present; the value is compared with the file under FILE-SIZE"},
    {"CSIP70", "MUST", "CSIP70", ""},
    {"CSIP71", "MUST", "CSIP71 FILE-CHECKSUM", "present; the value is compared with the file under FILE-CHECKSUM"},
    {"CSIP72", "MUST", "CSIP72 FILE-CHECKSUM-TYPE", "present; the algorithm must be one bevara can verify"},
    {"CSIP73", "MAY", "", "OWNERID is free text: nothing to check"},
    {"CSIP74", "MAY", "METS-IDREF", "the IDs must exist (schema xs:IDREF)"},
    {"CSIP75", "MAY", "METS-IDREF", "the IDs must exist (schema xs:IDREF)"},
    {"CSIP76", "MUST", "CSIP76", ""},
    {"CSIP77", "MUST", "CSIP77", ""},
    {"CSIP78", "MUST", "CSIP78", ""},
    {"CSIP79", "MUST", "CSIP79 FILE-MISSING", "and the file must exist"},
    {"CSIP80", "MUST", "CSIP80", ""},
    {"CSIP81", "MUST", "CSIP81", ""},
    {"CSIP82", "MUST", "CSIP82", ""},
    {"CSIP83", "MUST", "CSIP83", ""},
    {"CSIP84", "MUST", "CSIP84", ""},
    {"CSIP85", "MUST", "CSIP85", ""},
    {"CSIP86", "MUST (2.0)", "CSIP86", "withdrawn in CSIP 2.1; checked as a warning"},
    {"CSIP87", "MUST (2.0)", "CSIP93 CSIP97 CSIP104", "withdrawn in CSIP 2.1; each part has its division"},
    {"CSIP88", "MUST", "CSIP88", "at the package METS; representation METS from commons-ip have none"},
    {"CSIP89", "MUST", "CSIP89", ""},
    {"CSIP90", "MUST", "CSIP90", ""},
    {"CSIP91", "SHOULD", "CSIP91", ""},
    {"CSIP92", "SHOULD", "CSIP92", ""},
    {"CSIP93", "SHOULD", "CSIP93", ""},
    {"CSIP94", "MUST", "CSIP94", ""},
    {"CSIP95", "MUST", "CSIP93 CSIP96", "the division is found by this label"},
    {"CSIP96", "MUST", "CSIP96", ""},
    {"CSIP116", "MUST", "CSIP116", ""},
    {"CSIP97", "SHOULD", "CSIP97", ""},
    {"CSIP98", "MUST", "CSIP98", ""},
    {"CSIP99", "MUST", "CSIP97 CSIP100", "the division is found by this label"},
    {"CSIP100", "MUST", "CSIP100", ""},
    {"CSIP118", "MUST", "CSIP118", ""},
    {"CSIP101", "SHOULD", "CSIP104", "every Representations group must be pointed at"},
    {"CSIP102", "MUST", "CSIP102", ""},
    {"CSIP103", "MUST", "CSIP104", "the division is found by this label"},
    {"CSIP104", "MUST", "CSIP104", ""},
    {"CSIP119", "MUST", "CSIP119", ""},
    {"CSIP105", "SHOULD", "CSIP104 CSIP109", "a representation division is checked through its group and mptr"},
    {"CSIP106", "MUST", "CSIP106", ""},
    {"CSIP107", "MUST", "METS-MPTR", "the mptr must point to the representation METS; the label itself is not compared"},
    {"CSIP108", "MUST", "CSIP104", "a representation group must be pointed at (fptr, or the mptr of a division labelled as the group)"},
    {"CSIP109", "MUST", "CSIP109", ""},
    {"CSIP110", "MUST", "CSIP110", ""},
    {"CSIP111", "MUST", "CSIP111", ""},
    {"CSIP112", "MUST", "CSIP112", ""},
    {"CSIPSTR1", "MUST", "PKG-OUTSIDE-ROOT", "everything lies in one package folder"},
    {"CSIPSTR2", "SHOULD", "CSIP1", "the folder is named as the OBJID: a warning"},
    {"CSIPSTR3", "MAY", "PKG-FORMAT", "tar, tar.gz, zip or a directory"},
    {"CSIPSTR4", "MUST", "PKG-NO-METS", ""},
    {"CSIPSTR5", "SHOULD", "CSIPSTR5", ""},
    {"CSIPSTR6", "SHOULD", "CSIPSTR6", "preservation metadata referenced from a digiprovMD"},
    {"CSIPSTR7", "SHOULD", "CSIPSTR7", "descriptive metadata referenced from a dmdSec"},
    {"CSIPSTR8", "MAY", "", "other metadata folders are allowed: nothing to check"},
    {"CSIPSTR9", "SHOULD", "PKG-REPRESENTATIONS", ""},
    {"CSIPSTR10", "SHOULD", "", "not checked: a representation folder is whatever lies under representations/"},
    {"CSIPSTR11", "SHOULD", "", "not checked: CSIP 2.1 lets the package METS describe a representation's files wherever they lie"},
    {"CSIPSTR12", "SHOULD", "", "not checked: as CSIPSTR11 (bevara-sipgen and many exports describe representations in the package METS)"},
    {"CSIPSTR13", "SHOULD", "", "not checked: as CSIPSTR11"},
    {"CSIPSTR14", "MAY", "", "additional folders are allowed: nothing to check"},
    {"CSIPSTR15", "SHOULD", "CSIP64 CSIP113", "schemas are declared in a Schemas group whose files lie in schemas/"},
    {"CSIPSTR16", "SHOULD", "CSIP64 CSIP60", "documentation is declared in a Documentation group whose files lie in documentation/"},
    {"SIP1", "MAY", "SIP1", ""},
    {"SIP2", "MUST", "SIP2", "the CSIP profile URL (which the SIP profile extends) is a warning"},
    {"SIP3", "MAY", "SIP3", ""},
    {"SIP4", "MUST", "SIP4", ""},
    {"SIP5", "MAY", "SIP5", "an absent agreement is noted (info); FGS 1.x requires it (FGS1-SUBMISSIONAGREEMENT)"},
    {"SIP6", "MAY", "SIP6", "an empty value is noted; absence is normal"},
    {"SIP7", "MAY", "SIP7", "more than one, or empty, is noted"},
    {"SIP8", "MAY", "SIP8", "as SIP6"},
    {"SIP9", "MAY", "METS-AGENT-ARCHIVIST", "a warning when absent"},
    {"SIP10", "MUST", "", "an agent with ROLE=ARCHIVIST is the archival creator by definition"},
    {"SIP11", "MUST", "SIP11", ""},
    {"SIP12", "MAY", "", "optional"},
    {"SIP13", "MAY", "SIP14", "optional; when present, typed"},
    {"SIP14", "MUST", "SIP14", ""},
    {"SIP15", "MUST", "METS-AGENT-SUBMITTER", "a warning, not an error: commons-ip, the reference implementation, writes SIPs without one; e-service deposits still need it (DEPOSIT-PRODUCER)"},
    {"SIP16", "MUST", "METS-AGENT-SUBMITTER", "ROLE=CREATOR with TYPE=ORGANIZATION is the submitter"},
    {"SIP17", "MUST", "METS-AGENT-SUBMITTER", "as SIP16; a CREATOR/INDIVIDUAL is the contact person"},
    {"SIP18", "MAY", "", "optional"},
    {"SIP19", "MAY", "SIP20", "optional; when present, typed"},
    {"SIP20", "MUST", "SIP20", ""},
    {"SIP21", "MAY", "", "optional"},
    {"SIP22", "MUST", "", "by definition of the contact person"},
    {"SIP23", "MUST", "", "by definition of the contact person"},
    {"SIP24", "MUST", "SIP24", ""},
    {"SIP25", "MAY", "", "optional"},
    {"SIP26", "MAY", "", "optional"},
    {"SIP27", "MUST", "", "by definition of the preservation agent"},
    {"SIP28", "MUST", "SIP28", ""},
    {"SIP29", "MAY", "", "optional"},
    {"SIP30", "MAY", "SIP31", "optional; when present, typed"},
    {"SIP31", "MUST", "SIP31", ""},
    {"SIP32", "MAY", "SIP32", ""},
    {"SIP33", "MAY", "SIP33", ""},
    {"SIP34", "MAY", "SIP34", ""},
    {"SIP35", "MAY", "SIP35", ""},
    {"FGS1-PROFILE", "MUST", "FGS1-PROFILE", "FGS Paketstruktur 1.0-1.2: a package read as 1.x must say so in PROFILE"},
    {"FGS1-OBJID", "MUST", "FGS1-OBJID", ""},
    {"FGS1-TYPE", "MUST", "FGS1-TYPE", ""},
    {"FGS1-OAISSTATUS", "MUST", "FGS1-OAISSTATUS", "1.2: metsHdr/@ext:OAISSTATUS; 1.0: mets/@ext:OAISTYPE; SIP, since bevara takes in submissions"},
    {"FGS1-CREATEDATE", "MUST", "FGS1-CREATEDATE", ""},
    {"FGS1-AGENTS", "MUST", "FGS1-AGENTS", ""},
    {"FGS1-SUBMISSIONAGREEMENT", "MUST", "FGS1-SUBMISSIONAGREEMENT", ""},
    {"FGS1-EXT-VALUES", "MUST", "FGS1-EXT-VALUES XML-SCHEMA", "the value lists; the other ext: attributes are typed by bevara's FGS extension schema"},};

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

std::span<const RequirementCoverage> AllRequirements() { return kRequirements; }

std::string RequirementsMarkdown() {
  std::string out = "| requirement | level | checked by | note |\n|---|---|---|---|\n";
  for (const RequirementCoverage& r : kRequirements) {
    std::string rules = *r.rules ? std::string("`") + r.rules + "`" : "—";
    out += "| " + std::string(r.id) + " | " + r.level + " | " + rules + " | " + Cell(r.note) + " |\n";
  }
  return out;
}

std::string RequirementsJson() {
  nlohmann::json list = nlohmann::json::array();
  for (const RequirementCoverage& r : kRequirements) {
    list.push_back({{"id", r.id}, {"level", r.level}, {"rules", r.rules}, {"note", r.note}});
  }
  return list.dump(2) + "\n";
}

}  // namespace bevara::ingest
