#include "ingest/mets/mets_handler.h"

#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/util/XMLString.hpp>

#include "ingest/mets/xsd_values.h"
#include "ingest/xml/xml_platform.h"

namespace bevara::ingest {

using xercesc::Attributes;
using xercesc::XMLString;

namespace {

constexpr const char16_t* kXlinkNamespace = u"http://www.w3.org/1999/xlink";

bool Eq(const XMLCh* a, const char16_t* b) { return XMLString::equals(a, b); }

// True for https://DILCIS.eu/XML/METS/CSIPExtensionMETS in either spelling.
bool IsCsipNamespace(const XMLCh* uri, bool* lower_case) {
  static const std::u16string upper = u"https://DILCIS.eu/XML/METS/CSIPExtensionMETS";
  static const std::u16string lower = u"https://dilcis.eu/XML/METS/CSIPExtensionMETS";
  if (Eq(uri, upper.c_str())) return true;
  if (Eq(uri, lower.c_str())) {
    *lower_case = true;
    return true;
  }
  return false;
}

// https://DILCIS.eu/XML/METS/SIPExtensionMETS, in either spelling.
bool IsSipNamespace(const XMLCh* uri) {
  return Eq(uri, u"https://DILCIS.eu/XML/METS/SIPExtensionMETS") || Eq(uri, u"https://dilcis.eu/XML/METS/SIPExtensionMETS");
}

// The Swedish FGS 1.x extension namespace (prefix ext:).
bool IsFgsExtensionNamespace(const XMLCh* uri) { return Eq(uri, u"ExtensionMETS"); }

bool IsUnqualified(const XMLCh* uri) { return uri == nullptr || *uri == 0; }

// Values of FGS 1.x attributes are short; a hostile one is cut.
std::string Bounded(const XMLCh* v) {
  std::string out = ToUtf8(v);
  if (out.size() > 1024) out.resize(1024);
  return out;
}

}  // namespace

MetsHandler::MetsHandler(MetsDocument* doc, size_t max_declarations)
    : doc_(doc), max_declarations_(max_declarations) {}

void MetsHandler::setDocumentLocator(const xercesc::Locator* const locator) { locator_ = locator; }

uint64_t MetsHandler::Line() const { return locator_ ? locator_->getLineNumber() : 0; }

void MetsHandler::startElement(const XMLCh* const uri, const XMLCh* const name, const XMLCh* const,
                               const Attributes& attrs) {
  ++depth_;
  if (depth_ == 1) {
    doc_->root_namespace = ToUtf8(uri);
    doc_->root_name = ToUtf8(name);
  }
  text_ = TextTarget::kNone;  // only direct character content of name/note counts
  if (foreign_depth_ > 0 || !Eq(uri, kMetsNamespace)) {
    ++foreign_depth_;
    return;
  }
  if (depth_ == 1 && Eq(name, u"mets")) {
    OnRoot(attrs);
  } else if (Eq(name, u"metsHdr")) {
    OnHeader(attrs);
  } else if (Eq(name, u"agent")) {
    OnAgent(attrs);
  } else if (Eq(name, u"name") && !doc_->agents.empty()) {
    text_ = TextTarget::kAgentName;
  } else if (Eq(name, u"note") && !doc_->agents.empty()) {
    std::string note_type;
    bool unused = false;
    for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
      if (Eq(attrs.getLocalName(i), u"NOTETYPE") && IsCsipNamespace(attrs.getURI(i), &unused)) {
        note_type = ToUtf8(attrs.getValue(i));
      }
    }
    doc_->agents.back().notes.emplace_back(note_type, "");
    text_ = TextTarget::kAgentNote;
  } else if (Eq(name, u"altRecordID")) {
    AltRecordId alt;
    alt.line = Line();
    if (const XMLCh* v = attrs.getValue(u"TYPE")) alt.type = Bounded(v);
    doc_->alt_record_ids.push_back(std::move(alt));
    text_ = TextTarget::kAltRecordId;
  } else if (Eq(name, u"amdSec")) {
    ++doc_->amd_sec_count;
  } else if (Eq(name, u"dmdSec") || Eq(name, u"techMD") || Eq(name, u"rightsMD") || Eq(name, u"sourceMD") ||
             Eq(name, u"digiprovMD")) {
    MetadataSection s;
    s.element = ToUtf8(name);
    s.line = Line();
    for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
      if (!IsUnqualified(attrs.getURI(i))) continue;
      const XMLCh* a = attrs.getLocalName(i);
      if (Eq(a, u"ID")) s.id = ToUtf8(attrs.getValue(i));
      else if (Eq(a, u"CREATED")) s.created = ToUtf8(attrs.getValue(i));
      else if (Eq(a, u"STATUS")) { s.status = ToUtf8(attrs.getValue(i)); s.has_status = true; }
    }
    doc_->metadata_sections.push_back(std::move(s));
  } else if (Eq(name, u"mdRef")) {
    if (!doc_->metadata_sections.empty()) doc_->metadata_sections.back().has_mdref = true;
    OnFileLike(FileDeclaration::Kind::kMdRef, attrs);
  } else if (Eq(name, u"mdWrap")) {
    if (!doc_->metadata_sections.empty()) doc_->metadata_sections.back().has_mdwrap = true;
  } else if (Eq(name, u"fileSec")) {
    doc_->has_file_sec = true;
    const XMLCh* id = attrs.getValue(u"ID");
    if (id) doc_->file_sec_id = ToUtf8(id);
  } else if (Eq(name, u"fileGrp")) {
    OnFileGroup(attrs);
  } else if (Eq(name, u"file")) {
    OnFileLike(FileDeclaration::Kind::kFile, attrs);
  } else if (Eq(name, u"FLocat")) {
    OnFLocat(attrs);
  } else if (Eq(name, u"structMap")) {
    StructMapInfo m;
    m.line = Line();
    if (const XMLCh* v = attrs.getValue(u"ID")) m.id = ToUtf8(v);
    if (const XMLCh* v = attrs.getValue(u"TYPE")) { m.type = ToUtf8(v); m.has_type = true; }
    if (const XMLCh* v = attrs.getValue(u"LABEL")) { m.label = ToUtf8(v); m.has_label = true; }
    doc_->struct_maps.push_back(std::move(m));
  } else if (Eq(name, u"div")) {
    OnDiv(attrs);
  } else if (Eq(name, u"fptr")) {
    const XMLCh* v = attrs.getValue(u"FILEID");
    if (!div_stack_.empty() && v && doc_->divs[div_stack_.back()].fptr_fileids.size() < 4096) {
      doc_->divs[div_stack_.back()].fptr_fileids.push_back(ToUtf8(v));
    }
  } else if (Eq(name, u"mptr")) {
    OnPointer(attrs);
  }
}

void MetsHandler::endElement(const XMLCh* const uri, const XMLCh* const name, const XMLCh* const) {
  --depth_;
  if (foreign_depth_ > 0) {
    --foreign_depth_;
    return;
  }
  if (Eq(name, u"name") || Eq(name, u"note") || Eq(name, u"altRecordID")) {
    text_ = TextTarget::kNone;
  } else if (Eq(name, u"fileGrp")) {
    if (!group_stack_.empty()) group_stack_.pop_back();
  } else if (Eq(name, u"file")) {
    if (!open_files_.empty()) open_files_.pop_back();
  } else if (Eq(name, u"div")) {
    --div_depth_;
    if (!div_stack_.empty()) div_stack_.pop_back();
  }
}

void MetsHandler::characters(const XMLCh* const chars, const XMLSize_t length) {
  // Agent names, notes and altRecordIDs are short; a hostile one is cut.
  if (text_ == TextTarget::kAltRecordId) {
    std::string& text = doc_->alt_record_ids.back().text;
    if (text.size() < 4096) AppendUtf8(chars, length, &text);
    return;
  }
  if (text_ == TextTarget::kNone || doc_->agents.empty()) return;
  MetsAgent& agent = doc_->agents.back();
  if (text_ == TextTarget::kAgentNote && agent.notes.empty()) return;
  std::string* text = text_ == TextTarget::kAgentName ? &agent.name : &agent.notes.back().second;
  if (text->size() < 4096) AppendUtf8(chars, length, text);
}

void MetsHandler::OnRoot(const Attributes& attrs) {
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const XMLCh* a = attrs.getLocalName(i);
    std::string v = ToUtf8(attrs.getValue(i));
    if (IsUnqualified(attrs.getURI(i))) {
      if (Eq(a, u"OBJID")) { doc_->objid = v; doc_->has_objid = true; }
      else if (Eq(a, u"TYPE")) { doc_->type = v; doc_->has_type = true; }
      else if (Eq(a, u"PROFILE")) { doc_->profile = v; doc_->has_profile = true; }
      else if (Eq(a, u"LABEL")) { doc_->label = v; doc_->has_label = true; }
    } else if (IsCsipNamespace(attrs.getURI(i), &doc_->csip_namespace_lower_case)) {
      if (Eq(a, u"CONTENTINFORMATIONTYPE")) {
        doc_->content_information_type = v;
        doc_->has_content_information_type = true;
      } else if (Eq(a, u"OTHERCONTENTINFORMATIONTYPE")) {
        doc_->other_content_information_type = v;
        doc_->has_other_content_information_type = true;
      } else if (Eq(a, u"OTHERTYPE")) {
        doc_->csip_other_type = v;
      }
    } else if (IsFgsExtensionNamespace(attrs.getURI(i)) && doc_->ext_root.size() < 64) {
      doc_->ext_root.emplace_back(ToUtf8(a), Bounded(attrs.getValue(i)));
    }
  }
}

void MetsHandler::OnHeader(const Attributes& attrs) {
  doc_->has_header = true;
  doc_->header_line = Line();
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const XMLCh* a = attrs.getLocalName(i);
    if (IsUnqualified(attrs.getURI(i))) {
      if (Eq(a, u"CREATEDATE")) doc_->create_date = ToUtf8(attrs.getValue(i));
      else if (Eq(a, u"LASTMODDATE")) { doc_->last_mod_date = ToUtf8(attrs.getValue(i)); doc_->has_last_mod_date = true; }
      else if (Eq(a, u"RECORDSTATUS")) { doc_->record_status = ToUtf8(attrs.getValue(i)); doc_->has_record_status = true; }
    } else if (IsCsipNamespace(attrs.getURI(i), &doc_->csip_namespace_lower_case) && Eq(a, u"OAISPACKAGETYPE")) {
      doc_->oais_package_type = ToUtf8(attrs.getValue(i));
      doc_->has_oais_package_type = true;
    } else if (IsFgsExtensionNamespace(attrs.getURI(i)) && doc_->ext_header.size() < 64) {
      doc_->ext_header.emplace_back(ToUtf8(a), Bounded(attrs.getValue(i)));
    }
  }
}

void MetsHandler::OnAgent(const Attributes& attrs) {
  MetsAgent agent;
  agent.line = Line();
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    if (!IsUnqualified(attrs.getURI(i))) continue;
    const XMLCh* a = attrs.getLocalName(i);
    if (Eq(a, u"ROLE")) { agent.role = ToUtf8(attrs.getValue(i)); agent.has_role = true; }
    else if (Eq(a, u"OTHERROLE")) agent.other_role = ToUtf8(attrs.getValue(i));
    else if (Eq(a, u"TYPE")) { agent.type = ToUtf8(attrs.getValue(i)); agent.has_type = true; }
    else if (Eq(a, u"OTHERTYPE")) { agent.other_type = ToUtf8(attrs.getValue(i)); agent.has_other_type = true; }
  }
  doc_->agents.push_back(std::move(agent));
}

// Copies an attribute value into `out` without a temporary string.
static void Assign(const XMLCh* value, std::string* out) {
  out->clear();
  AppendUtf8(value, XMLString::stringLen(value), out);
}

void MetsHandler::OnFileLike(FileDeclaration::Kind kind, const Attributes& attrs) {
  if (doc_->files.size() >= max_declarations_) {
    doc_->too_many_declarations = true;
    if (kind == FileDeclaration::Kind::kFile) open_files_.push_back(SIZE_MAX);
    return;
  }
  FileDeclaration& f = doc_->files.emplace_back();
  f.kind = kind;
  f.line = Line();
  if (kind == FileDeclaration::Kind::kMdRef) {
    f.group = doc_->metadata_sections.empty() ? 0 : static_cast<uint32_t>(doc_->metadata_sections.size() - 1);
  } else {
    f.group = group_stack_.empty() ? 0 : group_stack_.back();
  }
  if (kind == FileDeclaration::Kind::kFile && !group_stack_.empty()) ++doc_->file_groups[group_stack_.back()].file_count;
  std::string scratch, mdtype, other_mdtype;
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const XMLCh* uri = attrs.getURI(i);
    const XMLCh* a = attrs.getLocalName(i);
    const XMLCh* v = attrs.getValue(i);
    if (IsSipNamespace(uri)) {
      static const char16_t* const kFormatAttributes[] = {u"FILEFORMATNAME", u"FILEFORMATVERSION",
                                                           u"FILEFORMATREGISTRY", u"FILEFORMATREGISTRYKEY"};
      for (int bit = 0; bit < 4; ++bit) {
        if (!Eq(a, kFormatAttributes[bit])) continue;
        f.sip_format_present |= 1 << bit;
        Assign(v, &scratch);
        if (scratch.find_first_not_of(" \t\r\n") == std::string::npos) f.sip_format_empty |= 1 << bit;
      }
      continue;
    }
    if (Eq(uri, kXlinkNamespace)) {
      if (Eq(a, u"href")) { Assign(v, &f.href); f.has_href = true; }
      else if (Eq(a, u"type")) { f.xlink_simple = Eq(v, u"simple"); f.has_xlink_type = true; }
      continue;
    }
    if (!IsUnqualified(uri)) continue;
    if (Eq(a, u"ID")) Assign(v, &f.id);
    else if (Eq(a, u"MIMETYPE")) { Assign(v, &f.mimetype); f.has_mimetype = true; }
    else if (Eq(a, u"CHECKSUM")) { Assign(v, &f.checksum); f.has_checksum = true; }
    else if (Eq(a, u"CHECKSUMTYPE")) { Assign(v, &f.checksum_type); f.has_checksum_type = true; }
    else if (Eq(a, u"LOCTYPE")) f.loctype_url = Eq(v, u"URL");
    else if (Eq(a, u"SIZE")) {
      f.has_size = true;
      Assign(v, &scratch);
      f.size = ParseSize(scratch);
      if (f.size < 0) doc_->value_issues.push_back({"METS-SIZE-VALUE", "SIZE '" + scratch + "' is not a byte count", f.line});
    } else if (Eq(a, u"CREATED")) {
      f.has_created = true;
      Assign(v, &scratch);
      if (!IsXsdDateTime(scratch)) {
        doc_->value_issues.push_back({"METS-DATE", "CREATED '" + scratch + "' is not a valid date and time", f.line});
      }
    } else if (kind == FileDeclaration::Kind::kMdRef && Eq(a, u"MDTYPE")) Assign(v, &mdtype);
    else if (kind == FileDeclaration::Kind::kMdRef && Eq(a, u"OTHERMDTYPE")) Assign(v, &other_mdtype);
  }
  if (kind == FileDeclaration::Kind::kFile) {
    open_files_.push_back(doc_->files.size() - 1);
  } else if (!doc_->metadata_sections.empty()) {
    doc_->metadata_sections.back().mdtype = mdtype == "OTHER" && !other_mdtype.empty() ? other_mdtype : mdtype;
  }
}

void MetsHandler::OnFLocat(const Attributes& attrs) {
  if (open_files_.empty() || open_files_.back() == SIZE_MAX) return;
  FileDeclaration& f = doc_->files[open_files_.back()];
  if (f.flocat_count < 255) ++f.flocat_count;
  if (f.flocat_count > 1) return;  // CSIP76 allows one; the checks report more
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const XMLCh* uri = attrs.getURI(i);
    const XMLCh* a = attrs.getLocalName(i);
    if (Eq(uri, kXlinkNamespace)) {
      if (Eq(a, u"href")) { Assign(attrs.getValue(i), &f.href); f.has_href = true; }
      else if (Eq(a, u"type")) { f.xlink_simple = Eq(attrs.getValue(i), u"simple"); f.has_xlink_type = true; }
    } else if (IsUnqualified(uri) && Eq(a, u"LOCTYPE")) {
      f.loctype_url = Eq(attrs.getValue(i), u"URL");
    }
  }
}

}  // namespace bevara::ingest

namespace bevara::ingest {

void MetsHandler::OnFileGroup(const Attributes& attrs) {
  FileGroup g;
  g.line = Line();
  bool unused = false;
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const XMLCh* uri = attrs.getURI(i);
    const XMLCh* a = attrs.getLocalName(i);
    if (IsUnqualified(uri)) {
      if (Eq(a, u"ID")) g.id = ToUtf8(attrs.getValue(i));
      else if (Eq(a, u"USE")) g.use = ToUtf8(attrs.getValue(i));
      else if (Eq(a, u"ADMID")) g.admid = Bounded(attrs.getValue(i));
    } else if (IsCsipNamespace(uri, &unused)) {
      if (Eq(a, u"CONTENTINFORMATIONTYPE")) {
        g.content_information_type = Bounded(attrs.getValue(i));
        g.has_content_information_type = true;
      } else if (Eq(a, u"OTHERCONTENTINFORMATIONTYPE")) {
        g.other_content_information_type = Bounded(attrs.getValue(i));
        g.has_other_content_information_type = true;
      }
    }
  }
  if (!group_stack_.empty()) ++doc_->file_groups[group_stack_.back()].subgroup_count;
  group_stack_.push_back(static_cast<uint32_t>(doc_->file_groups.size()));
  doc_->file_groups.push_back(std::move(g));
}

void MetsHandler::OnDiv(const Attributes& attrs) {
  StructDiv d;
  d.depth = ++div_depth_;
  d.line = Line();
  d.struct_map = doc_->struct_maps.empty() ? 0 : static_cast<uint32_t>(doc_->struct_maps.size() - 1);
  d.parent = div_stack_.empty() ? -1 : div_stack_.back();
  if (const XMLCh* v = attrs.getValue(u"ID")) d.id = ToUtf8(v);
  if (const XMLCh* v = attrs.getValue(u"LABEL")) d.label = ToUtf8(v);
  if (const XMLCh* v = attrs.getValue(u"ADMID")) d.admid = Bounded(v);
  if (const XMLCh* v = attrs.getValue(u"DMDID")) d.dmdid = Bounded(v);
  div_stack_.push_back(static_cast<int32_t>(doc_->divs.size()));
  doc_->divs.push_back(std::move(d));
}

void MetsHandler::OnPointer(const Attributes& attrs) {
  MetsPointer p;
  p.line = Line();
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const XMLCh* uri = attrs.getURI(i);
    const XMLCh* a = attrs.getLocalName(i);
    if (Eq(uri, kXlinkNamespace)) {
      if (Eq(a, u"href")) { p.href = ToUtf8(attrs.getValue(i)); p.has_href = true; }
      else if (Eq(a, u"type")) p.xlink_simple = Eq(attrs.getValue(i), u"simple");
    } else if (IsUnqualified(uri) && Eq(a, u"LOCTYPE")) {
      p.loctype_url = Eq(attrs.getValue(i), u"URL");
    }
  }
  if (!div_stack_.empty()) ++doc_->divs[div_stack_.back()].mptr_count;
  doc_->mets_pointers.push_back(std::move(p));
}

}  // namespace bevara::ingest
