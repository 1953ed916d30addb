// dmdSec and amdSec (CSIP17-57), and the attributes every file and mdRef
// carries (CSIP22-30, 36-44, 49-57, 67-79).
#include "ingest/mets/href.h"
#include "ingest/validate/mets_rules_internal.h"
#include "ingest/validate/vocabularies.h"

namespace bevara::ingest::internal {
namespace {

// The rule ids of one kind of declaration, in the order of DeclarationRules.
struct DeclarationRules {
  const char *loctype, *xlink_type, *href, *mimetype, *size, *created, *checksum, *checksum_type;
};
constexpr DeclarationRules kFileRules{"CSIP77", "CSIP78", "CSIP79", "CSIP68", "CSIP69", "CSIP70", "CSIP71", "CSIP72"};
constexpr DeclarationRules kDmdRules{"CSIP22", "CSIP23", "CSIP24", "CSIP26", "CSIP27", "CSIP28", "CSIP29", "CSIP30"};
constexpr DeclarationRules kDigiprovRules{"CSIP36", "CSIP37", "CSIP38", "CSIP40", "CSIP41", "CSIP42", "CSIP43", "CSIP44"};
constexpr DeclarationRules kRightsRules{"CSIP49", "CSIP50", "CSIP51", "CSIP53", "CSIP54", "CSIP55", "CSIP56", "CSIP57"};

// techMD and sourceMD are amdSec sections CSIP does not name; they are held
// to the digiprovMD rules.
const DeclarationRules& RulesFor(const MetsDocument& doc, const FileDeclaration& f) {
  if (f.kind == FileDeclaration::Kind::kFile) return kFileRules;
  if (f.group >= doc.metadata_sections.size()) return kDmdRules;
  const std::string& element = doc.metadata_sections[f.group].element;
  if (element == "dmdSec") return kDmdRules;
  if (element == "rightsMD") return kRightsRules;
  return kDigiprovRules;
}

struct SectionRules {
  const char* element;
  const char *id, *status, *mdref;  // nullptr: no CSIP rule
};
constexpr SectionRules kSectionRules[] = {
    {"dmdSec", "CSIP18", "CSIP20", "CSIP21"},
    {"digiprovMD", "CSIP33", "CSIP34", "CSIP35"},
    {"rightsMD", "CSIP46", "CSIP47", "CSIP48"},
};

// CSIPSTR6/7: descriptive metadata in metadata/descriptive/, preservation
// metadata in metadata/preservation/ (of the package or a representation).
void CheckMetadataFolders(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIPSTR6", "CSIPSTR7"});
  for (const FileDeclaration& f : doc.files) {
    if (f.kind != FileDeclaration::Kind::kMdRef || !f.has_href || f.group >= doc.metadata_sections.size()) continue;
    const std::string& element = doc.metadata_sections[f.group].element;
    const char* rule = element == "dmdSec" ? "CSIPSTR7" : element == "digiprovMD" ? "CSIPSTR6" : nullptr;
    const char* folder = element == "dmdSec" ? "metadata/descriptive/" : "metadata/preservation/";
    if (rule == nullptr) continue;
    Result<std::string> path = ResolveHref(f.href, "");
    if (!path.ok()) continue;  // reported by the scan
    std::string p = PlusAsSpace(*path);
    if (p.rfind(folder, 0) != 0 && p.find(std::string("/") + folder) == std::string::npos) {
      r->Add(rule, element + " metadata '" + *path + "' is not in " + folder, place.shown, f.line);
    }
  }
}

}  // namespace

void CheckMetadataSections(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP17", "CSIP18", "CSIP19", "CSIP20", "CSIP21", "CSIP31", "CSIP32", "CSIP33", "CSIP34", "CSIP35",
              "CSIP46", "CSIP47", "CSIP48"});
  bool has_dmd = false, has_digiprov = false;
  for (const MetadataSection& s : doc.metadata_sections) {
    has_dmd = has_dmd || s.element == "dmdSec";
    has_digiprov = has_digiprov || s.element == "digiprovMD";
    if (s.element == "dmdSec" && s.created.empty()) r->Add("CSIP19", "dmdSec '" + s.id + "' has no CREATED date", place.shown, s.line);
    for (const SectionRules& rules : kSectionRules) {
      if (s.element != rules.element) continue;
      if (s.id.empty()) r->Add(rules.id, s.element + " has no ID", place.shown, s.line);
      if (!s.has_status) {
        r->Add(rules.status, s.element + " '" + s.id + "' has no STATUS (CURRENT or SUPERSEDED)", place.shown, s.line);
      } else if (!IsCsipStatus(s.status)) {
        r->Add(rules.status, s.element + " '" + s.id + "' has STATUS '" + s.status + "', not CURRENT or SUPERSEDED",
               place.shown, s.line);
      }
      if (!s.has_mdref) {
        r->Add(rules.mdref, s.element + " '" + s.id + "' does not reference its metadata file with mdRef", place.shown,
               s.line);
      }
    }
  }
  CheckMetadataFolders(doc, place, r);
  if (!has_dmd) r->Add("CSIP17", "no descriptive metadata (dmdSec) is referenced", place.shown);
  if (doc.amd_sec_count == 0) r->Add("CSIP31", "no administrative metadata (amdSec) is given", place.shown);
  else if (!has_digiprov) r->Add("CSIP32", "no preservation metadata (digiprovMD) is referenced", place.shown);
}

void CheckDeclarations(const MetsDocument& doc, bool fgs1, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP67", "CSIP68", "CSIP69", "CSIP70", "CSIP71", "CSIP72", "CSIP76", "CSIP77", "CSIP78", "CSIP79",
              "CSIP22", "CSIP23", "CSIP24", "CSIP26", "CSIP27", "CSIP28", "CSIP29", "CSIP30"});
  if (!fgs1) {
    r->Checked({"CSIP36", "CSIP37", "CSIP38", "CSIP40", "CSIP41", "CSIP42", "CSIP43", "CSIP44", "CSIP49", "CSIP50",
                "CSIP51", "CSIP53", "CSIP54", "CSIP55", "CSIP56", "CSIP57"});
  }
  for (const FileDeclaration& f : doc.files) {
    bool is_file = f.kind == FileDeclaration::Kind::kFile;
    const DeclarationRules& rules = fgs1 && !is_file ? kDmdRules : RulesFor(doc, f);
    std::string what = is_file ? "file '" + f.id + "'" : "mdRef '" + f.id + "'";
    auto need = [&](bool present, const char* rule, const char* attr) {
      if (!present) r->Add(rule, what + " has no " + attr, place.shown, f.line);
    };
    if (is_file) need(!f.id.empty(), "CSIP67", "ID");
    need(f.has_mimetype, rules.mimetype, "MIMETYPE");
    if (f.has_mimetype && !IsMediaType(f.mimetype)) {
      r->Add(rules.mimetype, what + " has MIMETYPE '" + f.mimetype.substr(0, 200) + "', not an IANA media type",
             place.shown, f.line);
    }
    need(f.has_size, rules.size, "SIZE");
    need(f.has_created, rules.created, "CREATED");
    need(f.has_checksum, rules.checksum, "CHECKSUM");
    need(f.has_checksum_type, rules.checksum_type, "CHECKSUMTYPE");
    if (is_file && f.flocat_count != 1) {
      r->Add("CSIP76", what + " has " + std::to_string(f.flocat_count) + " FLocat elements, not one", place.shown, f.line);
    }
    if (!f.loctype_url) r->Add(rules.loctype, what + " has no LOCTYPE=\"URL\"", place.shown, f.line);
    // METS 1.x documents (FGS 1.x) were written against a schema that
    // supplied xlink:type="simple" when it was left out; any other value is
    // wrong in both.
    if (!f.xlink_simple && (!fgs1 || f.has_xlink_type)) {
      r->Add(rules.xlink_type, what + " has no xlink:type=\"simple\"", place.shown, f.line);
    }
    need(f.has_href, rules.href, "xlink:href");
  }
}

}  // namespace bevara::ingest::internal
