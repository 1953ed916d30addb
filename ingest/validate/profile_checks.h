// Profile checks: the rules of E-ARK CSIP 2.1 / SIP 2.1 (FGS Paketstruktur
// 2.0) and of the Swedish FGS 1.x profile that an XML schema cannot express,
// applied to a parsed MetsDocument. Pure functions of the document and where
// it lies; the files themselves are checked by the PackageValidator.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ingest/mets/mets_model.h"
#include "ingest/validate/report.h"

namespace bevara::ingest {

enum class PackageProfile {
  kFgs2,   // FGS Paketstruktur 2.0 = E-ARK CSIP 2.1 + SIP 2.1, METS.xml at the root
  kFgs12,  // FGS Paketstruktur 1.2: CommonSpecificationSwedenPackageProfile, ext:OAISSTATUS
  kFgs10,  // FGS Paketstruktur 1.0/1.1: the same profile, ext:OAISTYPE
};

// Which profile the package's own METS follows. FGS 1.x is recognised by its
// profile URL, its ext: attributes, or a root file named sip.xml; everything
// else is held to CSIP/SIP.
PackageProfile DetectProfile(const MetsDocument& root, bool root_file_is_sip_xml);
const char* ProfileName(PackageProfile p);
inline bool IsFgs1(PackageProfile p) { return p != PackageProfile::kFgs2; }

// Where a METS document lies.
struct MetsPlace {
  std::string shown;   // its path in reports
  std::string folder;  // the name of the folder it describes: the package or representation folder
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// The package's own METS (METS.xml, mets.xml or sip.xml).
void CheckRootMets(const MetsDocument& doc, PackageProfile profile, const MetsPlace& place, ValidationReport* report);

// A representation's METS (representations/<rep>/METS.xml).
void CheckRepresentationMets(const MetsDocument& doc, const MetsPlace& place, ValidationReport* report);

}  // namespace bevara::ingest
