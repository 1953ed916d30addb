// The parts of the profile checks (profile_checks.h), one file per METS
// section. Internal to ingest/validate.
#pragma once

#include "ingest/validate/profile_checks.h"

namespace bevara::ingest::internal {

// metsHdr and its agents (CSIP117, CSIP7-16) and the SIP agents (SIP11-31).
void CheckCsipHeader(const MetsDocument& doc, bool sip_root, const MetsPlace& place, ValidationReport* r);
// dmdSec and amdSec (CSIP17-57).
void CheckMetadataSections(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r);
// The attributes of every file and mdRef (CSIP22-30, 36-44, 49-57, 67-79).
// `fgs1`: METS 1.x documents whose xlink:type may be left to its default.
void CheckDeclarations(const MetsDocument& doc, bool fgs1, const MetsPlace& place, ValidationReport* r);
// fileSec and its groups (CSIP58-66, 113, 114). `root`: the package's own METS.
void CheckFileSection(const MetsDocument& doc, bool root, const MetsPlace& place, ValidationReport* r);
// structMap and its divisions (CSIP80-119).
void CheckStructMap(const MetsDocument& doc, bool root, const MetsPlace& place, ValidationReport* r);
// The Swedish FGS 1.x profile's own rules.
void CheckFgs1(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r);

// USE with the folder it names: "Documentation" -> "documentation".
std::string FolderOfUse(std::string_view use);

// The value of an ext: attribute (FGS 1.x) by its local name, or nullptr.
const std::string* FindExt(const std::vector<std::pair<std::string, std::string>>& attrs, std::string_view name);

// True for text that is empty or only white space.
inline bool IsBlank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// A value from the document as a message shows it: at most 200 bytes, cut
// on a UTF-8 boundary. A hostile METS must not make its report huge.
std::string Shorten(std::string_view value);

}  // namespace bevara::ingest::internal
