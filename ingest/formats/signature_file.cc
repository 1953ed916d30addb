#include "ingest/formats/signature_file.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "ingest/formats/pronom_syntax.h"

namespace bevara::ingest::formats {
namespace {

constexpr size_t kMaxFragments = 64;     // per side of an anchor
constexpr size_t kMaxSubsequences = 64;  // per byte sequence

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Result<Doc> Parse(std::string_view xml, const char* what) {
  if (xml.size() > (64u << 20)) return Status::InvalidArgument(std::string(what) + " is larger than 64 MiB");
  // Refused before libxml2 reads any of it: no entity is ever expanded.
  if (xml.find("<!DOCTYPE") != std::string_view::npos) return Status::InvalidArgument(std::string(what) + " has a DOCTYPE");
  Doc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc || !xmlDocGetRootElement(doc.get())) {
    return Status::InvalidArgument(std::string(what) + " is not well-formed XML");
  }
  if (doc->intSubset || doc->extSubset) return Status::InvalidArgument(std::string(what) + " has a DOCTYPE");
  return doc;
}

bool Is(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

bool HasAttr(const xmlNode* n, const char* name) { return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)); }

std::string Text(const xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

// Element children named `name`.
std::vector<const xmlNode*> Children(const xmlNode* n, const char* name) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
    if (Is(c, name)) out.push_back(c);
  }
  return out;
}

const xmlNode* Child(const xmlNode* n, const char* name) {
  auto c = Children(n, name);
  return c.empty() ? nullptr : c.front();
}

Result<uint32_t> Number(const xmlNode* n, const char* name, uint32_t absent) {
  if (!HasAttr(n, name)) return absent;
  std::string v = Attr(n, name);
  char* end = nullptr;
  unsigned long x = std::strtoul(v.c_str(), &end, 10);
  if (v.empty() || *end || x >= kUnbounded || !std::isdigit(static_cast<unsigned char>(v[0]))) {
    return Status::InvalidArgument("attribute " + std::string(name) + "='" + v + "' is not a number");
  }
  return static_cast<uint32_t>(x);
}

// Left or right fragments, grouped by Position (alternatives share one).
Result<std::vector<Fragment>> ReadFragments(const xmlNode* sub, const char* name, bool expressions) {
  std::vector<Fragment> out;
  for (const xmlNode* f : Children(sub, name)) {
    auto position = Number(f, "Position", 0);
    auto min = Number(f, "MinOffset", 0);
    auto max = Number(f, "MaxOffset", kUnbounded);
    if (!position.ok() || !min.ok() || !max.ok() || *position == 0 || *position > 64) {
      return Status::InvalidArgument(std::string(name) + " with a bad Position or offset");
    }
    Run run;
    if (expressions) {  // quoted strings may occur; a whole run is one alternative
      auto sub_expr = ParseExpression(Text(f));
      if (!sub_expr.ok()) return sub_expr.status();
      if (!sub_expr->left.empty() || !sub_expr->right.empty()) return Status::NotSupported("a complex fragment");
      for (char c : sub_expr->anchor) run.push_back(ByteTest{ByteTest::Kind::kLiteral, std::string(1, c), {}});
    } else {
      auto parsed = ParseRun(Text(f));
      if (!parsed.ok()) return parsed.status();
      run = std::move(*parsed);
    }
    if (out.size() < *position) out.resize(*position);
    Fragment& slot = out[*position - 1];
    slot.min_gap = *min;
    slot.max_gap = *max;
    slot.alternatives.push_back(std::move(run));
  }
  for (const Fragment& f : out) {
    if (f.alternatives.empty()) return Status::InvalidArgument(std::string(name) + " positions with a hole");
  }
  return out;
}

Result<SubSequence> ReadSubSequence(const xmlNode* node, bool expressions) {
  const xmlNode* seq = Child(node, "Sequence");
  if (!seq) return Status::InvalidArgument("a SubSequence without a Sequence");
  SubSequence sub;
  if (expressions) {
    auto parsed = ParseExpression(Text(seq));
    if (!parsed.ok()) return parsed.status();
    sub = std::move(*parsed);
  } else {
    auto run = ParseRun(Text(seq));
    if (!run.ok()) return run.status();
    for (const ByteTest& t : *run) {
      if (t.kind != ByteTest::Kind::kLiteral) return Status::NotSupported("a Sequence that is not literal");
      sub.anchor += t.a;
    }
  }
  auto min = Number(node, "SubSeqMinOffset", 0);
  auto max = Number(node, "SubSeqMaxOffset", kUnbounded);
  if (!min.ok()) return min.status();
  if (!max.ok()) return max.status();
  sub.min_offset = *min;
  sub.max_offset = std::max(*min, *max);  // the container file writes Min="16" Max="0" for "at 16", as DROID reads it
  for (auto [name, side] : {std::pair{"LeftFragment", &sub.left}, std::pair{"RightFragment", &sub.right}}) {
    auto fragments = ReadFragments(node, name, expressions);
    if (!fragments.ok()) return fragments.status();
    for (Fragment& f : *fragments) side->push_back(std::move(f));  // beyond those the expression made
  }
  if (sub.left.size() > kMaxFragments || sub.right.size() > kMaxFragments) {
    return Status::NotSupported("more than 64 fragments on a side");
  }
  return sub;
}

Result<InternalSignature> ReadSignature(const xmlNode* node, bool expressions) {
  InternalSignature sig;
  auto id = Number(node, "ID", 0);
  if (!id.ok()) return id.status();
  sig.id = static_cast<int>(*id);
  for (const xmlNode* bs : Children(node, "ByteSequence")) {
    ByteSequence sequence;
    std::string reference = Attr(bs, "Reference");
    sequence.anchor = reference == "BOFoffset"   ? Anchor::kBof
                      : reference == "EOFoffset" ? Anchor::kEof
                                                 : Anchor::kVariable;
    auto subs = Children(bs, "SubSequence");
    std::vector<std::pair<uint32_t, const xmlNode*>> ordered;
    for (const xmlNode* s : subs) {
      auto position = Number(s, "Position", 0);
      if (!position.ok()) return position.status();
      ordered.emplace_back(*position, s);
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](auto& a, auto& b) { return a.first < b.first; });
    if (ordered.size() > kMaxSubsequences) return Status::NotSupported("more than 64 subsequences");
    for (auto& [position, s] : ordered) {
      auto sub = ReadSubSequence(s, expressions);
      if (!sub.ok()) return sub.status();
      sequence.subsequences.push_back(std::move(*sub));
    }
    if (sequence.subsequences.empty()) return Status::InvalidArgument("a ByteSequence without a SubSequence");
    // An anchored sequence's outermost subsequence with no upper offset sits
    // at its lower one, as DROID reads it.
    SubSequence& outer = sequence.anchor == Anchor::kEof ? sequence.subsequences.back() : sequence.subsequences.front();
    if (sequence.anchor != Anchor::kVariable && outer.max_offset == kUnbounded) outer.max_offset = outer.min_offset;
    PrepareForMatching(&sequence);
    sig.sequences.push_back(std::move(sequence));
  }
  if (sig.sequences.empty()) return Status::InvalidArgument("a signature without a ByteSequence");
  return sig;
}

std::vector<int> Ints(const xmlNode* n, const char* name) {
  std::vector<int> out;
  for (const xmlNode* c : Children(n, name)) out.push_back(std::atoi(Text(c).c_str()));
  return out;
}

Status ReadDroid(const xmlNode* root, SignatureFiles* out) {
  if (!Is(root, "FFSignatureFile")) return Status::InvalidArgument("the DROID signature file's root is not FFSignatureFile");
  out->droid_version = "DROID_SignatureFile_V" + Attr(root, "Version") + " (" + Attr(root, "DateCreated") + ")";
  for (const xmlNode* s : Children(Child(root, "InternalSignatureCollection"), "InternalSignature")) {
    auto sig = ReadSignature(s, false);
    if (sig.ok()) {
      out->signatures.push_back(std::move(*sig));
    } else {
      ++out->skipped_signatures;
    }
  }
  for (const xmlNode* f : Children(Child(root, "FileFormatCollection"), "FileFormat")) {
    FormatInfo format;
    format.id = std::atoi(Attr(f, "ID").c_str());
    format.puid = Attr(f, "PUID");
    format.name = Attr(f, "Name");
    format.version = Attr(f, "Version");
    format.mime = Attr(f, "MIMEType");
    for (const xmlNode* e : Children(f, "Extension")) {
      std::string ext = Text(e);
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      format.extensions.push_back(ext);
    }
    format.signatures = Ints(f, "InternalSignatureID");
    format.priority_over = Ints(f, "HasPriorityOverFileFormatID");
    if (!format.puid.empty()) out->formats.push_back(std::move(format));
  }
  if (out->formats.empty()) return Status::InvalidArgument("the DROID signature file names no format");
  return Status::OK();
}

Status ReadContainers(const xmlNode* root, SignatureFiles* out) {
  if (!Is(root, "ContainerSignatureMapping")) {
    return Status::InvalidArgument("the container signature file's root is not ContainerSignatureMapping");
  }
  out->container_version = "container signatures " + Attr(root, "signatureVersion");
  std::map<int, size_t> by_id;
  for (const xmlNode* c : Children(Child(root, "ContainerSignatures"), "ContainerSignature")) {
    ContainerSignature sig;
    sig.id = std::atoi(Attr(c, "Id").c_str());
    std::string type = Attr(c, "ContainerType");
    if (type != "ZIP" && type != "OLE2") continue;
    sig.type = type == "ZIP" ? ContainerType::kZip : ContainerType::kOle2;
    if (const xmlNode* d = Child(c, "Description")) sig.description = Text(d);
    bool usable = true;
    for (const xmlNode* f : Children(Child(c, "Files"), "File")) {
      ContainerFile file;
      if (const xmlNode* p = Child(f, "Path")) file.path = Text(p);
      const xmlNode* collection = Child(Child(f, "BinarySignatures"), "InternalSignatureCollection");
      for (const xmlNode* s : Children(collection, "InternalSignature")) {
        auto parsed = ReadSignature(s, true);
        if (!parsed.ok()) {
          usable = false;
          break;
        }
        file.signatures.push_back(std::move(*parsed));
      }
      if (file.path.empty()) usable = false;
      sig.files.push_back(std::move(file));
    }
    if (!usable || sig.files.empty()) {
      ++out->skipped_signatures;
      continue;
    }
    by_id[sig.id] = out->containers.size();
    out->containers.push_back(std::move(sig));
  }
  for (const xmlNode* m : Children(Child(root, "FileFormatMappings"), "FileFormatMapping")) {
    auto it = by_id.find(std::atoi(Attr(m, "signatureId").c_str()));
    if (it != by_id.end()) out->containers[it->second].puids.push_back(Attr(m, "Puid"));
  }
  for (const xmlNode* t : Children(Child(root, "TriggerPuids"), "TriggerPuid")) {
    out->triggers[Attr(t, "Puid")] = Attr(t, "ContainerType") == "ZIP" ? ContainerType::kZip : ContainerType::kOle2;
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<SignatureFiles>> ReadSignatureFiles(std::string_view droid_xml, std::string_view container_xml) {
  auto out = std::make_unique<SignatureFiles>();
  auto droid = Parse(droid_xml, "the DROID signature file");
  if (!droid.ok()) return droid.status();
  BEVARA_RETURN_IF_ERROR(ReadDroid(xmlDocGetRootElement(droid->get()), out.get()));
  droid->reset();
  auto containers = Parse(container_xml, "the container signature file");
  if (!containers.ok()) return containers.status();
  BEVARA_RETURN_IF_ERROR(ReadContainers(xmlDocGetRootElement(containers->get()), out.get()));
  return out;
}

}  // namespace bevara::ingest::formats
