#include "ingest/erms/erms_reader.h"

#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/util/XMLString.hpp>

#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

#include "ingest/xml/xml_platform.h"

namespace bevara::ingest {
namespace {

constexpr size_t kMaxText = 64 * 1024;       // one element's text
constexpr size_t kMaxRecords = 1000000;

std::string Attr(const xercesc_3_2::Attributes& attrs, const char16_t* name) {
  const XMLCh* v = attrs.getValue(name);
  return v ? ToUtf8(v) : std::string();
}

// Fills a CaseMetadata from SAX events, by the path of ERMS elements.
// Elements of other namespaces, and everything inside additionalXMLData,
// are skipped whole: foreign XML can neither open nor close a record.
class ErmsHandler : public xercesc_3_2::DefaultHandler {
 public:
  explicit ErmsHandler(CaseMetadata* out) : out_(out) {}

  void startElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const,
                    const xercesc_3_2::Attributes& attrs) override {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return;
    }
    std::string name = ToUtf8(localname);
    if (ToUtf8(uri) != kErmsNamespace || name == "additionalXMLData" || InsideLaxContent(name)) {
      skip_depth_ = 1;
      return;
    }
    path_.push_back(name);
    text_.clear();
    if (name == "identification") {
      identification_type_ = Attr(attrs, u"identificationType");
    } else if (name == "aggregation") {
      aggregations_.push_back({aggregation_stack_.empty() ? kNone : aggregation_stack_.back(),
                               Attr(attrs, u"systemIdentifier"), {}});
      aggregation_stack_.push_back(aggregations_.size() - 1);
    } else if (name == "record") {
      if (out_->records.size() < kMaxRecords) {
        out_->records.emplace_back();
        record_index_ = out_->records.size() - 1;
        record_aggregation_.push_back(aggregation_stack_.empty() ? kNone : aggregation_stack_.back());
        record()->system_id = Attr(attrs, u"systemIdentifier");
        record()->record_type = Attr(attrs, u"recordType");
      }
    } else if (name == "classification" && !record()) {
      out_->classification_code = Attr(attrs, u"classificationCode");
    } else if (name == "status" && !record()) {
      out_->status = Attr(attrs, u"value");
    } else if (name == "direction" && record()) {
      record()->direction = Attr(attrs, u"directionDefinition");
    } else if (name == "date") {
      date_type_ = Attr(attrs, u"dateType");
    } else if (name == "restriction") {
      restriction_.emplace();
      restriction_->type = Attr(attrs, u"restrictionType");
      restriction_->other_type = Attr(attrs, u"otherRestrictionType");
    } else if (name == "agent") {
      agent_ = Attr(attrs, u"agentType") + ": ";
    } else if (name == "idNumber" && record()) {
      // Any identity number of a person named by the record: personal data.
      std::string type = Attr(attrs, u"idNumberType");
      if (type != "organisationsnummer" && type != "orgnr") record()->personal_data = true;
    } else if (name == "document" && record()) {
      std::string href = Attr(attrs, u"href");
      if (!href.empty()) record()->documents.push_back(href);
    }
  }

  void characters(const XMLCh* const chars, const XMLSize_t length) override {
    if (skip_depth_ == 0 && text_.size() < kMaxText) AppendUtf8(chars, length, &text_);
  }

  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return;
    }
    if (path_.empty()) return;
    const std::string name = path_.back();
    const std::string parent = path_.size() > 1 ? path_[path_.size() - 2] : "";
    path_.pop_back();
    if (name == "record") {
      record_index_ = kNone;
    } else if (name == "aggregation") {
      if (!aggregation_stack_.empty()) aggregation_stack_.pop_back();
    } else if (name == "restriction") {
      EndRestriction();
    } else if (name == "agent") {
      if (!record() && out_->agents.size() < 1000) out_->agents.push_back(agent_);
    } else {
      OnText(name, parent);
    }
    text_.clear();
  }

  // After the parse: every record gets the restrictions of the aggregations
  // around it (which may be written after its records).
  void Finish() {
    for (size_t i = 0; i < out_->records.size(); ++i) {
      RecordMetadata& r = out_->records[i];
      for (size_t a = record_aggregation_[i]; a != kNone; a = aggregations_[a].parent) {
        for (const Restriction& x : aggregations_[a].restrictions) r.restrictions.push_back(x);
      }
    }
  }

 private:
  struct Aggregation {
    size_t parent;
    std::string id;
    std::vector<Restriction> restrictions;
  };

  void EndRestriction() {
    if (!restriction_) return;
    Restriction r = std::move(*restriction_);
    restriction_.reset();
    if (record()) {
      r.on = "record";
      const std::string type = Lower(r.type);
      if (!record()->secrecy && (type == "confidential" || type == "secrecy" || type == "sekretess")) {
        SecrecyMarking& s = record()->secrecy.emplace();
        s.regulation = r.regulation;
        ParseOslReference(r.regulation, &s.chapter, &s.section);
        s.explanation = r.explanation;
        s.ends = ParseErmsDate(r.end);
      }
      Keep(&record()->restrictions, std::move(r));
    } else if (!aggregation_stack_.empty()) {
      Aggregation& a = aggregations_[aggregation_stack_.back()];
      r.on = "aggregation " + a.id;
      Keep(&a.restrictions, std::move(r));
    }
  }

  // Up to kMaxRestrictions are kept; the last place then says that more
  // were not read, as a secrecy without end: what is not read is not public.
  static void Keep(std::vector<Restriction>* list, Restriction r) {
    if (list->size() < kMaxRestrictions) {
      list->push_back(std::move(r));
      return;
    }
    Restriction& last = list->back();
    last = Restriction{};
    last.type = "confidential";
    last.regulation = "more than " + std::to_string(kMaxRestrictions) + " restrictions, not all read";
    last.on = r.on;
  }

  // Whether `name` opens inside an element whose content the schema leaves
  // open (lax): ERMS-looking elements there (a <record> in <notes>) are not
  // the document's structure, and must not open or end anything.
  bool InsideLaxContent(const std::string& name) const {
    if (path_.empty()) return false;
    const std::string& parent = path_.back();
    if (parent == "documents") return name != "document";
    return parent == "document" || parent == "notes" || parent == "appendix" || parent == "appendices" ||
           parent == "maintenanceInformation" || parent == "classificationSchema" || parent == "abbreviations" ||
           parent == "contactInformation";
  }

  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // The text of an element that has just ended.
  void OnText(const std::string& name, const std::string& parent) {
    if (restriction_) {
      OnRestrictionText(name);
    } else if (name == "identification" && parent == "control") {
      if (identification_type_ == "arkivbildare") out_->creator = text_;
      if (identification_type_ == "organisationsnummer") out_->creator_id = text_;
      if (identification_type_ == "ärendenummer" && out_->case_number.empty()) out_->case_number = text_;
    } else if (name == "name" || name == "organisation") {
      if (parent == "agent") agent_ += name == "name" ? text_ : " (" + text_ + ")";
    } else if (record()) {
      if (name == "objectId" && parent == "record") record()->object_id = text_;
      if (name == "title" && parent == "record") record()->title = text_;
      if (name == "date" && record()->created.empty()) record()->created = text_;
    } else if (!aggregation_stack_.empty()) {
      if (name == "objectId" && parent == "aggregation") out_->case_number = text_;
      if (name == "title" && parent == "aggregation") out_->title = text_;
      if (name == "classification") out_->classification = text_;
      if (name == "date" && date_type_ == "opened") out_->opened = text_;
      if (name == "date" && date_type_ == "closed") out_->closed = text_;
    }
  }

  void OnRestrictionText(const std::string& name) {
    Restriction& r = *restriction_;
    if (name == "regulation") {
      r.regulation = text_;
    } else if (name == "explanatoryText") {
      r.explanation = text_;
    } else if (name == "date" && (date_type_ == "end" || date_type_ == "expires" || date_type_ == "ended")) {
      // Two end dates: the later one; one bevara cannot read wins (it never passes).
      const std::string parsed = ParseErmsDate(text_), current = ParseErmsDate(r.end);
      if (!r.end.empty() && current.empty()) return;  // already one that never passes
      if (r.end.empty() || parsed.empty() || parsed > current) r.end = text_.empty() ? "(empty)" : text_;
    }
  }

  CaseMetadata* out_;
  std::vector<std::string> path_;
  std::string text_, identification_type_, date_type_, agent_;
  std::optional<Restriction> restriction_;
  int skip_depth_ = 0;
  // The open record, by index: a (invalid) record nested in another grows
  // the vector, which would leave a pointer dangling.
  static constexpr size_t kNone = static_cast<size_t>(-1);
  static constexpr size_t kMaxRestrictions = 1000;
  size_t record_index_ = kNone;
  RecordMetadata* record() { return record_index_ == kNone ? nullptr : &out_->records[record_index_]; }
  std::vector<Aggregation> aggregations_;
  std::vector<size_t> aggregation_stack_;   // the open aggregations, innermost last
  std::vector<size_t> record_aggregation_;  // per record: its innermost aggregation
};

}  // namespace

Result<CaseMetadata> ReadCaseMetadata(std::shared_ptr<const SchemaSet> schemas, const ByteSource& source,
                                      const std::string& name) {
  CaseMetadata meta;
  ErmsHandler handler(&meta);
  SecureSaxParser parser(std::move(schemas));
  SaxOutcome outcome = parser.Parse(source, name, &handler, SaxOptions{});
  handler.Finish();
  if (!outcome.source_error.ok()) return outcome.source_error;
  if (outcome.root_namespace != kErmsNamespace) {
    return Status::Rejected("ERMS-INVALID", "the root element is not ERMS (" + outcome.root_namespace + ")", name);
  }
  for (const XmlIssue& issue : outcome.issues) {
    if (issue.kind == XmlIssue::Kind::kWarning) continue;
    return Status::Rejected("ERMS-INVALID", "line " + std::to_string(issue.line) + ": " + issue.message, name);
  }
  if (outcome.doctype_refused || outcome.too_large || !outcome.well_formed) {
    return Status::Rejected("ERMS-INVALID", "the document is refused (DOCTYPE, size or well-formedness)", name);
  }
  return meta;
}

Result<CaseMetadata> ReadCaseMetadata(std::shared_ptr<const SchemaSet> schemas, const std::string& xml,
                                      const std::string& name) {
  size_t at = 0;
  ByteSource source = [&](char* buf, size_t n) -> Result<size_t> {
    size_t k = std::min(n, xml.size() - at);
    std::memcpy(buf, xml.data() + at, k);
    at += k;
    return k;
  };
  return ReadCaseMetadata(std::move(schemas), source, name);
}

}  // namespace bevara::ingest
