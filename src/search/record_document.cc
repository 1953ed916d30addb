#include "src/search/record_document.h"

#include <initializer_list>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/digest.h"
#include "src/common/utf8.h"
#include "src/search/personnummer.h"

namespace bevara::search {
namespace {

constexpr size_t kMaxTermBytes = 240;          // Xapian's limit is 245
constexpr size_t kSnippetTextBytes = 32 << 10;  // stored for snippets; all of the text is indexed

// The summary without the package id (StoredRecord keeps it apart).
nlohmann::json SummaryJson(const IndexedRecord& r, Audience audience) {
  nlohmann::json j = {
      {"id", r.id},
      {"version", r.version},
      {"record_id", r.record_id},
      {"registration", r.registration},
      {"case_number", r.case_number},
      {"case_title", r.case_title},
      {"case_status", r.case_status},
      {"creator", r.creator},
      {"creator_id", r.creator_id},
      {"classification_code", r.classification_code},
      {"classification", r.classification},
      {"title", r.title},
      {"record_type", r.record_type},
      {"direction", r.direction},
      {"date", r.date},
      {"files", r.files},
  };
  if (audience == Audience::kArchive) {
    j["access"] = {{"state", r.access_state}, {"ground", r.access_ground}, {"visible_from", r.visible_from}};
    if (!r.review.empty()) j["access"]["review"] = r.review;
    j["text_notes"] = r.text_notes;
  }
  return j;
}

// Masks personnummer in every string of `j`, recursively.
void MaskStrings(nlohmann::json* j) {
  if (j->is_string()) {
    std::string s = j->get<std::string>();
    if (MaskPersonnummer(&s) > 0) *j = s;
  } else if (j->is_structured()) {
    for (auto& item : *j) MaskStrings(&item);
  }
}

void AppendPart(std::string_view part, std::string* out) {
  const auto n = static_cast<uint32_t>(part.size());
  for (int shift = 0; shift < 32; shift += 8) out->push_back(static_cast<char>((n >> shift) & 0xFF));
  out->append(part);
}

// Takes a part written by AppendPart off the front of `data`.
std::optional<std::string_view> TakePart(std::string_view* data) {
  if (data->size() < 4) return std::nullopt;
  uint32_t n = 0;
  for (int i = 3; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>((*data)[i]);
  if (data->size() - 4 < n) return std::nullopt;
  std::string_view part = data->substr(4, n);
  data->remove_prefix(4 + n);
  return part;
}

// The facet fields in FacetField order; a separator inside a value (it is
// a control character) becomes a space.
std::string PackedFacets(std::initializer_list<std::string> fields) {
  std::string packed;
  bool first = true;
  for (const std::string& f : fields) {
    if (!first) packed.push_back(kFacetSeparator);
    first = false;
    for (char c : f) packed.push_back(c == kFacetSeparator ? ' ' : c);
  }
  return packed;
}

}  // namespace

std::string RecordSearchId(const std::string& package_id, const std::string& record_id) {
  std::string input = package_id;
  input.push_back('\0');
  input += record_id;
  return "r" + Sha256Hex(input).substr(0, 24);
}

std::string EncodeProof(const PublicationProof& p) {
  std::string out = p.package_id;
  for (const std::string* field : {&p.record_id, &p.published_by}) {
    out.push_back('\0');
    out += *field;
  }
  out.push_back('\0');
  out += std::to_string(p.version);
  for (const auto& [path, sha256] : p.digests) {
    out.push_back('\0');
    out += path;
    out.push_back('\0');
    out += sha256;
  }
  return out;
}

std::optional<PublicationProof> DecodeProof(std::string_view data) {
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    const size_t end = data.find('\0', start);
    fields.push_back(data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (fields.size() < 4 || fields.size() % 2 != 0) return std::nullopt;
  PublicationProof p{std::string(fields[0]), std::string(fields[1]), 0, std::string(fields[2]), {}};
  if (fields[3].empty() || fields[3].size() > 9) return std::nullopt;
  for (char c : fields[3]) {
    if (c < '0' || c > '9') return std::nullopt;
    p.version = p.version * 10 + static_cast<uint32_t>(c - '0');
  }
  for (size_t i = 4; i < fields.size(); i += 2) p.digests.emplace(fields[i], fields[i + 1]);
  return p;
}

std::string PackageTerm(const std::string& package_id) {
  const std::string term = kPrefixPackage + package_id;
  if (term.size() <= kMaxTermBytes) return term;
  return std::string(kPrefixPackage) + "#" + Sha256Hex(package_id);
}

std::string FilterTerm(const char* prefix, const std::string& value) {
  std::string v = Xapian::Unicode::tolower(value);
  size_t b = v.find_first_not_of(" \t");
  size_t e = v.find_last_not_of(" \t");
  v = b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
  return CutUtf8(prefix + v, kMaxTermBytes);
}

Xapian::Document ToDocument(const IndexedRecord& r, Audience audience) {
  nlohmann::json summary = SummaryJson(r, audience);
  std::string text = r.text;
  if (audience == Audience::kPublic) {
    MaskStrings(&summary);
    MaskPersonnummer(&text);
  }
  auto field = [&summary](const char* name) { return summary[name].get<std::string>(); };

  Xapian::Document doc;
  Xapian::TermGenerator gen;
  gen.set_stemmer(Xapian::Stem("swedish"));
  gen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  gen.set_document(doc);
  gen.index_text(field("title"), 1, kPrefixTitle);
  gen.index_text(field("title"), 3);  // a word in the title counts more than one in the text
  gen.increase_termpos();
  for (const char* name : {"case_title", "registration", "case_number", "creator", "classification", "record_type"}) {
    gen.index_text(field(name));
    gen.increase_termpos();
  }
  gen.index_text(text);

  doc.add_boolean_term(kPrefixId + r.id);
  doc.add_boolean_term(PackageTerm(r.package_id));
  doc.add_boolean_term(FilterTerm(kPrefixCaseNumber, field("case_number")));
  doc.add_boolean_term(FilterTerm(kPrefixCreator, field("creator")));
  doc.add_boolean_term(FilterTerm(kPrefixClassification, field("classification_code")));
  doc.add_boolean_term(FilterTerm(kPrefixRecordType, field("record_type")));
  doc.add_boolean_term(FilterTerm(kPrefixDirection, field("direction")));
  doc.add_value(kSlotDate, r.date);
  doc.add_value(kSlotFacets, PackedFacets({field("creator"), field("classification_code"), field("record_type"),
                                           r.date.substr(0, 4), field("direction"),
                                           audience == Audience::kArchive ? r.access_state : std::string()}));
  if (audience == Audience::kPublic && !r.published_by.empty()) {
    doc.add_boolean_term(CutUtf8(kPrefixPublishedBy + r.published_by, kMaxTermBytes));
  }
  if (audience == Audience::kArchive) {
    doc.add_boolean_term(FilterTerm(kPrefixAccessState, r.access_state));
    if (!r.review.empty()) doc.add_boolean_term(kTermReview);
    doc.add_value(kSlotVisibleFrom, r.visible_from);
  }
  std::string package_id = r.package_id;
  if (audience == Audience::kPublic) MaskPersonnummer(&package_id);
  std::string data;
  AppendPart(r.id, &data);
  AppendPart(package_id, &data);
  // Replacing invalid UTF-8 here makes the stored JSON safe to send as it is.
  AppendPart(summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), &data);
  AppendPart(EncodeProof({r.package_id, r.record_id, r.version, r.published_by, r.digests}), &data);
  data += CutUtf8(std::move(text), kSnippetTextBytes);
  doc.set_data(data);
  return doc;
}

std::optional<StoredRecord> ParseStoredRecord(std::string_view data) {
  auto id = TakePart(&data);
  auto package_id = id ? TakePart(&data) : std::nullopt;
  auto summary_json = package_id ? TakePart(&data) : std::nullopt;
  auto proof = summary_json ? TakePart(&data) : std::nullopt;
  if (!proof) return std::nullopt;
  return StoredRecord{*id, *package_id, *summary_json, *proof, data};
}

nlohmann::json SearchHit::Json() const {
  nlohmann::json j = nlohmann::json::parse(summary_json, nullptr, false);
  if (!j.is_object()) return nlohmann::json::object();
  j["package_id"] = package_id;
  j["snippet"] = snippet;
  return j;
}

nlohmann::json SummaryOf(const Xapian::Document& doc) {
  const std::string data = doc.get_data();
  auto stored = ParseStoredRecord(data);
  if (!stored) return nlohmann::json::object();
  nlohmann::json summary = nlohmann::json::parse(stored->summary_json, nullptr, false);
  if (!summary.is_object()) return nlohmann::json::object();
  summary["package_id"] = std::string(stored->package_id);
  summary["proof"] = std::string(stored->proof);
  return summary;
}

}  // namespace bevara::search
