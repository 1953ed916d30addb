#include "ingest/erms/erms_reader.h"

#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/util/XMLString.hpp>

#include <cstring>
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

// Fills a CaseMetadata from SAX events, by the path of local names.
class ErmsHandler : public xercesc_3_2::DefaultHandler {
 public:
  explicit ErmsHandler(CaseMetadata* out) : out_(out) {}

  void startElement(const XMLCh* const, const XMLCh* const localname, const XMLCh* const,
                    const xercesc_3_2::Attributes& attrs) override {
    std::string name = ToUtf8(localname);
    path_.push_back(name);
    text_.clear();
    if (name == "identification") {
      identification_type_ = Attr(attrs, u"identificationType");
    } else if (name == "aggregation") {
      ++aggregation_depth_;
    } else if (name == "record") {
      if (out_->records.size() < kMaxRecords) {
        out_->records.emplace_back();
        record_index_ = out_->records.size() - 1;
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
    } else if (name == "restriction" && record()) {
      restriction_type_ = Attr(attrs, u"restrictionType");
      if (IsSecrecy(restriction_type_)) record()->secrecy.emplace();
      if (IsPersonalData(restriction_type_)) record()->personal_data = true;
    } else if (name == "agent") {
      agent_ = Attr(attrs, u"agentType") + ": ";
    } else if (name == "idNumber" && record()) {
      std::string type = Attr(attrs, u"idNumberType");
      if (type == "personnummer" || type == "samordningsnummer") record()->personal_data = true;
    } else if (name == "document" && record()) {
      std::string href = Attr(attrs, u"href");
      if (!href.empty()) record()->documents.push_back(href);
    }
  }

  void characters(const XMLCh* const chars, const XMLSize_t length) override {
    if (text_.size() < kMaxText) AppendUtf8(chars, length, &text_);
  }

  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    if (path_.empty()) return;
    const std::string name = path_.back();
    const std::string parent = path_.size() > 1 ? path_[path_.size() - 2] : "";
    path_.pop_back();
    if (name == "record") {
      record_index_ = kNone;
    } else if (name == "aggregation") {
      --aggregation_depth_;
    } else if (name == "restriction") {
      restriction_type_.clear();
    } else if (name == "agent") {
      if (!record() && out_->agents.size() < 1000) out_->agents.push_back(agent_);
    } else {
      OnText(name, parent);
    }
    text_.clear();
  }

 private:
  static bool IsSecrecy(const std::string& type) {
    return type == "confidential" || type == "secrecy" || type == "sekretess";
  }
  static bool IsPersonalData(const std::string& type) {
    return type == "personalData" || type == "personal data" || type == "personuppgifter";
  }

  // The text of an element that has just ended.
  void OnText(const std::string& name, const std::string& parent) {
    if (name == "identification" && parent == "control") {
      if (identification_type_ == "arkivbildare") out_->creator = text_;
      if (identification_type_ == "organisationsnummer") out_->creator_id = text_;
      if (identification_type_ == "ärendenummer" && out_->case_number.empty()) out_->case_number = text_;
    } else if (name == "name" || name == "organisation") {
      if (parent == "agent") agent_ += name == "name" ? text_ : " (" + text_ + ")";
    } else if (record() && !restriction_type_.empty()) {
      OnRestrictionText(name);
    } else if (record()) {
      if (name == "objectId") record()->object_id = text_;
      if (name == "title" && parent == "record") record()->title = text_;
      if (name == "date" && record()->created.empty()) record()->created = text_;
    } else if (aggregation_depth_ > 0) {
      if (name == "objectId") out_->case_number = text_;
      if (name == "title" && parent == "aggregation") out_->title = text_;
      if (name == "classification") out_->classification = text_;
      if (name == "date" && date_type_ == "opened") out_->opened = text_;
      if (name == "date" && date_type_ == "closed") out_->closed = text_;
    }
  }

  void OnRestrictionText(const std::string& name) {
    if (!record()->secrecy || !IsSecrecy(restriction_type_)) return;
    SecrecyMarking& s = *record()->secrecy;
    if (name == "regulation") {
      s.regulation = text_;
      ParseOslReference(text_, &s.chapter, &s.section);
    } else if (name == "explanatoryText") {
      s.explanation = text_;
    } else if (name == "date" && (date_type_ == "end" || date_type_ == "expires" || date_type_ == "ended")) {
      s.ends = text_.substr(0, 10);
    }
  }

  CaseMetadata* out_;
  std::vector<std::string> path_;
  std::string text_, identification_type_, date_type_, restriction_type_, agent_;
  // The open record, by index: a (invalid) record nested in another grows
  // the vector, which would leave a pointer dangling.
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t record_index_ = kNone;
  RecordMetadata* record() { return record_index_ == kNone ? nullptr : &out_->records[record_index_]; }
  int aggregation_depth_ = 0;
};

}  // namespace

Result<CaseMetadata> ReadCaseMetadata(std::shared_ptr<const SchemaSet> schemas, const ByteSource& source,
                                      const std::string& name) {
  CaseMetadata meta;
  ErmsHandler handler(&meta);
  SecureSaxParser parser(std::move(schemas));
  SaxOutcome outcome = parser.Parse(source, name, &handler, SaxOptions{});
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
