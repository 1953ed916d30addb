// structMap (CSIP80-119): the CSIP structural map, its divisions for
// metadata, documentation, schemas and representations, and what they point at.
#include <set>
#include <sstream>

#include "ingest/validate/mets_rules_internal.h"
#include "ingest/validate/vocabularies.h"

namespace bevara::ingest::internal {
namespace {

using IdSet = std::set<std::string, std::less<>>;

IdSet Ids(std::string_view list) {
  IdSet out;
  std::istringstream in{std::string(list)};
  for (std::string id; in >> id;) out.insert(id);
  return out;
}

// Finds the one CSIP structMap (CSIP80-83), or returns -1.
int FindCsipMap(const MetsDocument& doc, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP80", "CSIP81", "CSIP82", "CSIP83"});
  int found = -1, count = 0, physical = -1;
  for (size_t i = 0; i < doc.struct_maps.size(); ++i) {
    const StructMapInfo& m = doc.struct_maps[i];
    if (m.id.empty()) r->Add("CSIP83", "structMap has no ID", place.shown, m.line);
    if (m.label == "CSIP") {
      ++count;
      if (found < 0) found = static_cast<int>(i);
    } else if (m.type == "PHYSICAL" && physical < 0) {
      physical = static_cast<int>(i);
    }
  }
  if (count > 1) r->Add("CSIP80", std::to_string(count) + " structMaps are labelled CSIP, not one", place.shown);
  if (found < 0) {
    r->Add("CSIP80", "no structMap is labelled CSIP", place.shown);
    if (physical >= 0) {
      r->Add("CSIP82", "the PHYSICAL structMap is labelled '" + doc.struct_maps[physical].label + "', not CSIP",
             place.shown, doc.struct_maps[physical].line);
    }
    return -1;
  }
  const StructMapInfo& m = doc.struct_maps[found];
  if (m.type != "PHYSICAL") {
    r->Add("CSIP81", "the CSIP structMap's TYPE is '" + m.type + "', not PHYSICAL", place.shown, m.line);
  }
  return found;
}

// The divisions below the CSIP map's top division, at any depth (CSIP 2.0
// packages nest "Representations/rep1/data" below "Representations/rep1"),
// and the fptr targets below each division directly under the top one.
// Linear in divisions and fptrs: a crafted chain of nested divisions must
// not cost the square of its length.
struct Divisions {
  int top = -1;
  int tops = 0;                       // divisions directly under the structMap
  std::vector<const StructDiv*> children;
  std::vector<IdSet> subtree_fptrs;  // per doc.divs index; filled for depth-2 divisions only
  IdSet all_fptrs;                    // every fptr target in the map
};

Divisions Collect(const MetsDocument& doc, int map) {
  Divisions d;
  d.subtree_fptrs.resize(doc.divs.size());
  std::vector<int32_t> section(doc.divs.size(), -1);  // the depth-2 division each lies under
  for (size_t i = 0; i < doc.divs.size(); ++i) {
    const StructDiv& div = doc.divs[i];
    if (static_cast<int>(div.struct_map) != map) continue;
    if (div.parent < 0) {
      if (d.top < 0) d.top = static_cast<int>(i);
      ++d.tops;
    } else if (div.depth >= 2) {
      d.children.push_back(&div);
    }
    // Parents come before their children in document order.
    if (div.depth == 2) section[i] = static_cast<int32_t>(i);
    else if (div.parent >= 0) section[i] = section[div.parent];
    for (const std::string& id : div.fptr_fileids) {
      d.all_fptrs.insert(id);
      if (section[i] >= 0) d.subtree_fptrs[section[i]].insert(id);
    }
  }
  return d;
}

bool IsMetadataLabel(std::string_view label) { return label == "Metadata" || label.rfind("Metadata/", 0) == 0; }

void CheckMetadataDivision(const MetsDocument& doc, const Divisions& d, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP88", "CSIP89", "CSIP90", "CSIP91", "CSIP92"});
  IdSet amd, dmd, referenced_amd, referenced_dmd;
  for (const MetadataSection& s : doc.metadata_sections) {
    if (s.status == "SUPERSEDED") continue;
    (s.element == "dmdSec" ? dmd : amd).insert(s.id);
  }
  int metadata_divs = 0;
  for (const StructDiv* div : d.children) {
    if (div->depth != 2) continue;
    bool points_at_metadata = !div->admid.empty() || !div->dmdid.empty();
    if (div->label == "Metadata") {
      ++metadata_divs;
      if (div->id.empty()) r->Add("CSIP89", "the Metadata division has no ID", place.shown, div->line);
    } else if (points_at_metadata && !IsMetadataLabel(div->label)) {
      r->Add("CSIP90", "division '" + div->label + "' points at metadata sections but is not labelled Metadata",
             place.shown, div->line);
    }
    if (!IsMetadataLabel(div->label)) continue;
    for (const std::string& id : Ids(div->admid)) referenced_amd.insert(id);
    for (const std::string& id : Ids(div->dmdid)) referenced_dmd.insert(id);
  }
  if (metadata_divs != 1) {  // 1..1, even when the package has no metadata sections
    std::string n = std::to_string(metadata_divs);
    r->Add("CSIP88", n + " divisions are labelled Metadata, not one", place.shown);
    if (metadata_divs == 0) r->Add("CSIP90", "no division is labelled Metadata", place.shown);
  }
  auto compare = [&](const IdSet& sections, const IdSet& referenced, const char* rule, const char* attr) {
    for (const std::string& id : sections)
      if (!referenced.count(id)) r->Add(rule, std::string("the Metadata division's ") + attr + " does not name '" + id + "'", place.shown);
    for (const std::string& id : referenced)
      if (!sections.count(id)) r->Add(rule, std::string("the Metadata division's ") + attr + " names '" + id + "', not a current section", place.shown);
  };
  compare(amd, referenced_amd, "CSIP91", "ADMID");
  compare(dmd, referenced_dmd, "CSIP92", "DMDID");
}

// Documentation, Schemas and Representations: every group that holds files
// is pointed at from a division of its own label.
struct PartRules {
  const char* label;
  const char *division, *id, *group_referenced, *division_points;  // e.g. CSIP93, 94, 96, 116
};
constexpr PartRules kParts[] = {
    {"Documentation", "CSIP93", "CSIP94", "CSIP96", "CSIP116"},
    {"Schemas", "CSIP97", "CSIP98", "CSIP100", "CSIP118"},
    {"Representations", nullptr, "CSIP102", "CSIP104", "CSIP119"},
};

bool HasLabel(const StructDiv& div, std::string_view part) {
  return div.label == part || (part == "Representations" && div.label.rfind("Representations/", 0) == 0);
}

void CheckPart(const MetsDocument& doc, const Divisions& d, const PartRules& p, const MetsPlace& place, ValidationReport* r) {
  r->Checked({p.id, p.group_referenced, p.division_points});
  if (p.division) r->Checked(p.division);
  IdSet groups;
  for (const FileGroup& g : doc.file_groups) {
    bool ours = g.use == p.label || (std::string_view(p.label) == "Representations" && g.use.rfind("Representations/", 0) == 0);
    if (ours && g.file_count > 0) groups.insert(g.id);
  }
  int divisions = 0;
  for (const StructDiv* div : d.children) {
    if (!HasLabel(*div, p.label)) continue;
    if (div->depth == 2) ++divisions;
    if (div->id.empty()) r->Add(p.id, std::string("the ") + p.label + " division has no ID", place.shown, div->line);
    bool points = div->mptr_count > 0;
    for (const std::string& id : d.subtree_fptrs[div - doc.divs.data()]) {
      points = points || groups.count(id);
      if (points) break;
    }
    if (!groups.empty() && !points && div->depth == 2) {
      r->Add(p.division_points, std::string("the ") + p.label + " division '" + div->label + "' points at no " + p.label +
                                    " fileGrp", place.shown, div->line);
    }
  }
  // A representation division points at its group through the mptr to the
  // representation's METS (commons-ip writes no fptr there).
  IdSet pointed = d.all_fptrs;
  for (const StructDiv* div : d.children) {
    if (div->mptr_count == 0) continue;
    for (const FileGroup& g : doc.file_groups)
      if (g.use == div->label) pointed.insert(g.id);
  }
  if (groups.empty()) return;
  if (p.division && divisions != 1) {
    r->Add(p.division, std::to_string(divisions) + " divisions are labelled " + p.label + ", not one", place.shown);
  }
  for (const std::string& id : groups) {
    if (pointed.count(id)) continue;
    r->Add(p.group_referenced, std::string(p.label) + " fileGrp '" + id + "' is not pointed at from the structMap",
           place.shown);
    if (divisions == 0) r->Add(p.division_points, std::string("no ") + p.label + " division points at fileGrp '" + id + "'", place.shown);
  }
}

// Representation divisions of the package's own METS (CSIP105-112).
void CheckRepresentationDivisions(const MetsDocument& doc, const Divisions& d, const MetsPlace& place, ValidationReport* r) {
  r->Checked({"CSIP106", "CSIP109", "CSIP110", "CSIP111", "CSIP112"});
  for (const StructDiv* div : d.children) {
    if (div->label.rfind("Representations/", 0) != 0 || div->mptr_count == 0) continue;
    if (div->id.empty()) r->Add("CSIP106", "representation division '" + div->label + "' has no ID", place.shown, div->line);
    if (div->mptr_count != 1) {
      r->Add("CSIP109", "representation division '" + div->label + "' has " + std::to_string(div->mptr_count) +
                            " mptr elements, not one", place.shown, div->line);
    }
  }
  for (const MetsPointer& p : doc.mets_pointers) {
    if (!p.has_href || p.href.empty()) r->Add("CSIP110", "mptr has no xlink:href", place.shown, p.line);
    if (!p.xlink_simple) r->Add("CSIP111", "mptr has no xlink:type=\"simple\"", place.shown, p.line);
    if (!p.loctype_url) r->Add("CSIP112", "mptr has no LOCTYPE=\"URL\"", place.shown, p.line);
  }
}

}  // namespace

void CheckStructMap(const MetsDocument& doc, bool root, const MetsPlace& place, ValidationReport* r) {
  int map = FindCsipMap(doc, place, r);
  if (map < 0) return;
  r->Checked({"CSIP84", "CSIP85"});
  Divisions d = Collect(doc, map);
  if (d.tops != 1) {
    r->Add("CSIP84", "the CSIP structMap has " + std::to_string(d.tops) + " top divisions, not one", place.shown);
    if (d.tops == 0) return;
  }
  const StructDiv& top = doc.divs[d.top];
  if (top.id.empty()) r->Add("CSIP85", "the top division has no ID", place.shown, top.line);
  if (root) {
    r->Checked("CSIP86");
    if (top.label != doc.objid) {
      r->Add("CSIP86", "the top division's LABEL '" + top.label + "' is not the OBJID '" + doc.objid + "'", place.shown,
             top.line);
    }
  }
  // Representation METS written by commons-ip have no Metadata division;
  // CSIP describes the package's.
  if (root) CheckMetadataDivision(doc, d, place, r);
  for (const PartRules& p : kParts) CheckPart(doc, d, p, place, r);
  if (root) CheckRepresentationDivisions(doc, d, place, r);
}

}  // namespace bevara::ingest::internal
