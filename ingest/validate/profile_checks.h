// Profile checks: the rules of E-ARK CSIP / FGS Paketstruktur that an XML
// schema cannot express, applied to a parsed MetsDocument. Pure functions of
// the document; the files themselves are checked by the PackageValidator.
#pragma once

#include <string>
#include <string_view>

#include "ingest/mets/mets_model.h"
#include "ingest/validate/report.h"

namespace bevara::ingest {

enum class PackageProfile {
  kCsip,  // FGS Paketstruktur 1.2 / E-ARK CSIP 2.x: METS.xml at the root
  kFgs1,  // FGS Paketstruktur 1.0/1.1: sip.xml at the root, content/
};

const char* ProfileName(PackageProfile p);

// The package's own METS (METS.xml or sip.xml). `shown` is its path in reports.
void CheckRootMets(const MetsDocument& doc, PackageProfile profile, const std::string& shown,
                   ValidationReport* report);

// A representation's METS (representations/<rep>/METS.xml).
void CheckRepresentationMets(const MetsDocument& doc, const std::string& shown, ValidationReport* report);

}  // namespace bevara::ingest
