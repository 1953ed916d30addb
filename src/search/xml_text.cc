// The character data of an XML document, through the hardened parser
// (ingest/xml/secure_sax.h): no DOCTYPE, nothing fetched, not validated.
#include <xercesc/sax2/DefaultHandler.hpp>

#include <memory>

#include "ingest/xml/secure_sax.h"
#include "ingest/xml/xml_platform.h"
#include "src/search/extractors.h"

namespace bevara::search {
namespace {

class TextHandler : public xercesc_3_2::DefaultHandler {
 public:
  TextHandler(TextSink* sink, ingest::SecureSaxParser* parser) : sink_(sink), parser_(parser) {}

  void startElement(const XMLCh*, const XMLCh*, const XMLCh*, const xercesc_3_2::Attributes&) override {
    sink_->Break();
  }
  void endElement(const XMLCh*, const XMLCh*, const XMLCh*) override { sink_->Break(); }
  void characters(const XMLCh* chars, const XMLSize_t length) override {
    buffer_.clear();
    ingest::AppendUtf8(chars, length, &buffer_);
    if (!sink_->Append(buffer_)) parser_->RequestStop();
  }

 private:
  TextSink* sink_;
  ingest::SecureSaxParser* parser_;
  std::string buffer_;
};

}  // namespace

std::string ExtractXmlText(ReadableFile* file, uint64_t max_bytes,
                           const std::shared_ptr<const ingest::SchemaSet>& schemas, TextSink* sink) {
  if (!ingest::InitializeXml().ok()) return "the XML parser could not start";
  ingest::ByteSource source = [file](char* buf, size_t n) -> Result<size_t> { return file->Read(buf, n); };
  ingest::SecureSaxParser parser(schemas);
  TextHandler handler(sink, &parser);
  ingest::SaxOptions options;
  options.validate = false;
  options.max_bytes = max_bytes;
  options.max_issues = 1;
  ingest::SaxOutcome outcome = parser.Parse(source, "stored file", &handler, options);
  if (sink->full()) return "";
  if (outcome.doctype_refused) return "has a DOCTYPE, which bevara does not read; text up to it is indexed";
  if (!outcome.well_formed) {
    std::string why = outcome.issues.empty() ? "not well-formed" : outcome.issues.front().message;
    return "not well-formed (" + why + "); text up to the error is indexed";
  }
  return "";
}

}  // namespace bevara::search
