#include "ingest/validate/vocabularies.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace bevara::ingest {
namespace {

// Lower case, en and em dashes as '-', runs of spaces as one.
std::string Fold(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == 0xE2 && i + 2 < v.size() && static_cast<unsigned char>(v[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(v[i + 2]) == 0x93 || static_cast<unsigned char>(v[i + 2]) == 0x94)) {
      out.push_back('-');
      i += 2;
    } else if (c == ' ' && !out.empty() && out.back() == ' ') {
      continue;
    } else {
      out.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  return out;
}

template <size_t N>
bool In(std::string_view value, const char* const (&list)[N]) {
  std::string folded = Fold(value);
  return std::any_of(std::begin(list), std::end(list), [&](const char* term) { return Fold(term) == folded; });
}

// CSIPVocabularyContentCategory (CSIP 2.1/2.2), plus the CSIP 2.0 spellings.
const char* const kContentCategories[] = {
    "Textual works – Print", "Textual works – Digital", "Textual works – Electronic Serials",
    "Digital Musical Composition (score-based representations)", "Musical Scores - Print",
    "Musical Scores - Digital", "Photographs – Print", "Photographs – Digital", "Other Graphic Images – Print",
    "Other Graphic Images – Digital", "Microforms", "Audio – On Tangible Medium (digital or analog)",
    "Audio – Media-independent (digital)", "Motion Pictures – Digital and Physical Media",
    "Video – File-based and Physical Media", "Software", "Software and Video Games", "Email", "Datasets",
    "Geospatial Data", "Geographic Information System (GIS) - Vector Data", "GIS Raster and Georeferenced Images",
    "GIS Vector and Raster Combined", "Non-GIS Cartographic", "2D and 3D Computer Aided Design",
    "Design (schematics, architectural drawings) - Print",
    "Scanned 3D Objects (output from photogrammetry scanning)", "Databases", "Websites", "Web Archives",
    "Collection", "Event", "Image", "Interactive resource", "Moving image", "Sound", "Still image", "Text",
    "Physical object", "Service", "Mixed", "Other",
    // CSIP 2.0
    "Textual works - Print", "Textual works - Digital", "Textual works - Electronic Serials", "Database",
    "Website", "Mixes", "OTHER"};

const char* const kContentInformationTypes[] = {
    "ERMS", "SIARD1", "SIARD2", "SIARDDK", "GeoData", "citscarchival_v1_0", "cscarchival_v1_0", "citserms_v2_1",
    "citserms_v3_0", "citspremis_v1_0", "cspremis_v1_0", "citsehpj_v1_0", "citsehpj_v2_0", "citsehcr_v1_0",
    "citssiard_v1_0", "citsgeospatial_v3_0", "cits3dpm_v1_0", "MIXED", "OTHER"};

const char* const kOaisPackageTypes[] = {"SIP", "AIP", "DIP", "AIU", "AIC"};
const char* const kStatuses[] = {"CURRENT", "SUPERSEDED"};
const char* const kRecordStatuses[] = {"NEW", "SUPPLEMENT", "REPLACEMENT", "TEST", "VERSION", "OTHER"};

const char* const kFgsPackageTypes[] = {"ERMS", "Personnel", "Medical record", "Economics", "Databases",
                                        "Webpages", "GIS", "No specification", "AIC", "Archival information",
                                        "Unstructured", "Single records"};
const char* const kFgsAccessRestrict[] = {"Secrecy", "PuL", "Secrecy and PuL", "GDPR"};
const char* const kFgsAppraisal[] = {"Yes", "No"};
const char* const kFgsAgreementForms[] = {"AGREEMENT", "DEPOSIT", "GIFT"};

// RFC 6838 restricted-name: ALPHA / DIGIT first, then ALPHA / DIGIT and
// "!" / "#" / "$" / "&" / "-" / "^" / "_" / "." / "+", at most 127 in all.
bool IsRestrictedName(std::string_view s) {
  if (s.empty() || s.size() > 127 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
  });
}

}  // namespace

bool IsCsipContentCategory(std::string_view v) { return In(v, kContentCategories); }
bool IsCsipContentInformationType(std::string_view v) { return In(v, kContentInformationTypes); }
bool IsCsipOaisPackageType(std::string_view v) { return In(v, kOaisPackageTypes); }
bool IsCsipStatus(std::string_view v) { return In(v, kStatuses); }
bool IsSipRecordStatus(std::string_view v) { return In(v, kRecordStatuses); }

bool IsEarkSipProfile(std::string_view url) {
  for (std::string_view prefix : {"https://earksip.dilcis.eu/profile/E-ARK-SIP", "http://earksip.dilcis.eu/profile/E-ARK-SIP"}) {
    if (url.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = url.substr(prefix.size());
    if (rest == ".xml") return true;
    // E-ARK-SIP-v2-1-0.xml and the like
    return rest.size() > 6 && rest.substr(0, 3) == "-v2" && rest.substr(rest.size() - 4) == ".xml";
  }
  return false;
}

bool IsEarkCsipProfile(std::string_view url) {
  for (std::string_view prefix : {"https://earkcsip.dilcis.eu/profile/", "http://earkcsip.dilcis.eu/profile/"}) {
    if (url.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

bool IsMediaType(std::string_view v) {
  std::string_view type = v.substr(0, v.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  size_t slash = type.find('/');
  if (slash == std::string_view::npos) return false;
  std::string top = Fold(type.substr(0, slash));
  static const char* const kTopLevel[] = {"application", "audio", "example", "font", "haptics", "image",
                                          "message", "model", "multipart", "text", "video"};
  if (std::none_of(std::begin(kTopLevel), std::end(kTopLevel), [&](const char* t) { return top == t; })) return false;
  return IsRestrictedName(type.substr(slash + 1));
}

bool IsFgsPackageType(std::string_view v) { return In(v, kFgsPackageTypes); }
bool IsFgsAccessRestrict(std::string_view v) { return In(v, kFgsAccessRestrict); }
bool IsFgsAppraisal(std::string_view v) { return In(v, kFgsAppraisal); }
bool IsFgsAgreementForm(std::string_view v) { return In(v, kFgsAgreementForms); }

}  // namespace bevara::ingest
