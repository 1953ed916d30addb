// The value lists of E-ARK CSIP 2.1/2.2 and of the Swedish FGS 1.x profile
// (CommonSpecificationSwedenPackageProfile), and the form of an IANA media
// type. Comparisons forgive what producers get wrong without changing the
// meaning: letter case, and a hyphen written for an en dash.
#pragma once

#include <string_view>

namespace bevara::ingest {

// mets/@TYPE (CSIP2): the content category, or OTHER.
bool IsCsipContentCategory(std::string_view value);
// mets/@csip:CONTENTINFORMATIONTYPE and fileGrp/@csip:CONTENTINFORMATIONTYPE.
bool IsCsipContentInformationType(std::string_view value);
// metsHdr/@csip:OAISPACKAGETYPE.
bool IsCsipOaisPackageType(std::string_view value);
// dmdSec/amdSec children's @STATUS: CURRENT or SUPERSEDED.
bool IsCsipStatus(std::string_view value);
// metsHdr/@RECORDSTATUS in an E-ARK SIP (SIP3): NEW, SUPPLEMENT, REPLACEMENT,
// TEST, VERSION, OTHER.
bool IsSipRecordStatus(std::string_view value);
// An E-ARK SIP profile URL (SIP2), any published version.
bool IsEarkSipProfile(std::string_view url);
// A URL under the E-ARK CSIP profiles (https://earkcsip.dilcis.eu/profile/).
bool IsEarkCsipProfile(std::string_view url);
// "type/subtype" with an IANA top-level type and RFC 6838 name characters
// (each name at most 127 characters); parameters after ';' are allowed.
bool IsMediaType(std::string_view value);

// FGS 1.x mets/@TYPE.
bool IsFgsPackageType(std::string_view value);
// FGS 1.x ext:ACCESSRESTRICT, ext:APPRAISAL, metsHdr ext:AGREEMENTFORM.
bool IsFgsAccessRestrict(std::string_view value);
bool IsFgsAppraisal(std::string_view value);
bool IsFgsAgreementForm(std::string_view value);

}  // namespace bevara::ingest
