// fileSec (CSIP58-66, 113, 114) and structMap (CSIP80-119): how a CSIP
// package names its parts and points at them.
#include <cctype>
#include <set>
#include <sstream>

#include "ingest/mets/href.h"
#include "ingest/validate/mets_rules_internal.h"
#include "ingest/validate/vocabularies.h"
#include "src/common/utf8.h"

namespace bevara::ingest::internal {
namespace {

enum class Part { kDocumentation, kSchemas, kRepresentations, kOther };

Part PartOf(std::string_view use) {
  if (use == "Documentation") return Part::kDocumentation;
  if (use == "Schemas") return Part::kSchemas;
  if (use == "Representations" || use.rfind("Representations/", 0) == 0) return Part::kRepresentations;
  return Part::kOther;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  return true;
}

// `path` lies in `folder` ("schemas/"), at the top or below a
// representation (CSIP 2.0 packages group representations/rep1/schemas/ under
// USE="Schemas").
bool InFolder(std::string_view path, std::string_view folder) {
  if (StartsWithIgnoreCase(path, folder)) return true;
  for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
    if (StartsWithIgnoreCase(path.substr(slash + 1), folder)) return true;
  }
  return false;
}

std::vector<std::string> SplitIds(std::string_view list) {
  std::vector<std::string> out;
  std::istringstream in{std::string(list)};
  for (std::string id; in >> id;) out.push_back(id);
  return out;
}

// USE names the folder its files lie in (CSIP64): "Documentation" ->
// documentation/, "Representations/rep1" -> representations/rep1/. One pass
// over the files, one finding per group.
void CheckGroupFolders(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  std::vector<std::string> folders(doc.file_groups.size());
  for (size_t g = 0; g < doc.file_groups.size(); ++g) folders[g] = FolderOfUse(doc.file_groups[g].use) + "/";
  std::vector<bool> reported(doc.file_groups.size(), false);
  for (const FileDeclaration& f : doc.files) {
    if (f.kind != FileDeclaration::Kind::kFile || f.group >= doc.file_groups.size() || !f.has_href) continue;
    const FileGroup& g = doc.file_groups[f.group];
    if (reported[f.group] || g.use.empty()) continue;
    Result<std::string> path = ResolveHref(f.href, "");
    // commons-ip writes '+' for a space; METS-HREF-PLUS reports that.
    const std::string& folder = folders[f.group];
    if (path.ok() && !InFolder(*path, folder) && !InFolder(PlusAsSpace(*path), folder)) {
      r->Add("CSIP64", "fileGrp USE '" + g.use + "' names folder '" + folder + "' but holds '" + *path + "'", place.shown,
             f.line);
      reported[f.group] = true;
    }
  }
}

}  // namespace

const std::string* FindExt(const std::vector<std::pair<std::string, std::string>>& attrs, std::string_view name) {
  for (const auto& [n, v] : attrs)
    if (n == name) return &v;
  return nullptr;
}

std::string Shorten(std::string_view value) {
  constexpr size_t kMax = 200;
  return value.size() <= kMax ? std::string(value) : CutUtf8(value, kMax) + "…";
}

std::string FolderOfUse(std::string_view use) {
  std::string out(use);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void CheckFileSection(const MetsDocument& doc, bool root, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP58", "CSIP59", "CSIP64", "CSIP65", "CSIP66"});
  if (!doc.has_file_sec) {
    r->Add("CSIP58", "the METS document has no fileSec", place.shown);
    return;
  }
  if (doc.file_sec_id.empty()) r->Add("CSIP59", "fileSec has no ID", place.shown);
  std::set<std::string, std::less<>> amd_ids, dmd_ids;
  for (const MetadataSection& s : doc.metadata_sections) (s.element == "dmdSec" ? dmd_ids : amd_ids).insert(s.id);
  bool documentation = false, schemas = false, representations = false;
  for (uint32_t i = 0; i < doc.file_groups.size(); ++i) {
    const FileGroup& g = doc.file_groups[i];
    if (g.use.empty()) r->Add("CSIP64", "fileGrp '" + g.id + "' has no USE", place.shown, g.line);
    if (g.id.empty()) r->Add("CSIP65", "fileGrp with USE '" + g.use + "' has no ID", place.shown, g.line);
    // commons-ip writes empty groups for folders it left empty: a warning.
    if (g.file_count == 0 && g.subgroup_count == 0) {
      r->AddAs(Severity::kWarning, "CSIP66", "fileGrp '" + g.use + "' holds no file", place.shown, g.line);
    }
    Part part = PartOf(g.use);
    documentation = documentation || part == Part::kDocumentation;
    schemas = schemas || part == Part::kSchemas;
    representations = representations || part == Part::kRepresentations;
    if (root) {
      r->Checked({"CSIP61", "CSIP62", "CSIP63"});
      for (const std::string& id : SplitIds(g.admid)) {
        if (amd_ids.count(id) == 0) {
          r->Add("CSIP61", "fileGrp '" + g.id + "' ADMID '" + id + "' is not an amdSec section", place.shown, g.line);
        }
      }
      if (part == Part::kRepresentations) {
        if (!g.has_content_information_type) {
          r->Add("CSIP62", "fileGrp '" + g.use + "' has no csip:CONTENTINFORMATIONTYPE", place.shown, g.line);
        } else if (!IsCsipContentInformationType(g.content_information_type)) {
          r->Add("CSIP62", "fileGrp '" + g.use + "' csip:CONTENTINFORMATIONTYPE '" + g.content_information_type +
                               "' is not in the CSIP vocabulary", place.shown, g.line);
        }
      }
      bool other = g.content_information_type == "OTHER";
      if (other && (!g.has_other_content_information_type || g.other_content_information_type.empty())) {
        r->Add("CSIP63", "fileGrp '" + g.use + "' is of type OTHER without csip:OTHERCONTENTINFORMATIONTYPE",
               place.shown, g.line);
      } else if (other && IsCsipContentInformationType(g.other_content_information_type)) {
        r->Add("CSIP63", "fileGrp '" + g.use + "' names '" + g.other_content_information_type +
                             "' as another type, but it is in the vocabulary: use it as csip:CONTENTINFORMATIONTYPE",
               place.shown, g.line);
      } else if (!other && g.has_other_content_information_type) {
        r->Add("CSIP63", "fileGrp '" + g.use + "' has csip:OTHERCONTENTINFORMATIONTYPE but its type is not OTHER",
               place.shown, g.line);
      }
    }
  }
  if (!root) return;
  CheckGroupFolders(doc, place, r);
  r->Checked({"CSIP60", "CSIP113", "CSIP114"});
  // A package with no documentation (or schemas, or content) has nothing to
  // put in the group; a file left out of it is FILE-UNDECLARED, an error.
  if (!documentation) r->AddAs(Severity::kWarning, "CSIP60", "no fileGrp with USE=\"Documentation\"", place.shown);
  if (!schemas) r->AddAs(Severity::kWarning, "CSIP113", "no fileGrp with USE=\"Schemas\"", place.shown);
  if (!representations) {
    r->AddAs(Severity::kWarning, "CSIP114", "no fileGrp with USE=\"Representations/...\"", place.shown);
  }
}

}  // namespace bevara::ingest::internal
