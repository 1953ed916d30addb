#include "ingest/xml/secure_sax.h"

#include <xercesc/framework/XMLPScanToken.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/InputSource.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/ContentHandler.hpp>
#include <xercesc/sax2/LexicalHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/util/BinInputStream.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLUni.hpp>

#include "ingest/xml/xml_platform.h"

namespace bevara::ingest {

using namespace xercesc;

bool SaxOutcome::HasErrors() const {
  if (!well_formed || doctype_refused || too_large || !source_error.ok()) return true;
  for (const XmlIssue& i : issues)
    if (i.kind != XmlIssue::Kind::kWarning) return true;
  return false;
}

namespace {

// Watches the prolog (everything before the root element) for a DOCTYPE.
// Xerces with XERCES_DISABLE_DTD=1 already refuses one, but only as a generic
// "invalid document structure"; this names the cause. It skips comments and
// processing instructions, and stops at the root element. Byte-based, so it
// sees ASCII-compatible encodings (UTF-8, ISO-8859-x); a UTF-16 DOCTYPE is
// still refused by Xerces, reported as not well-formed.
class PrologScanner {
 public:
  // Returns true when a DOCTYPE has been seen.
  bool Feed(const XMLByte* p, size_t n) {
    for (size_t i = 0; i < n && state_ != kDone; ++i) Step(static_cast<char>(p[i]));
    return doctype_;
  }

 private:
  enum State { kOut, kTag, kComment, kPi, kDone };
  void Step(char c) {
    switch (state_) {
      case kOut:
        if (c == '<') {
          state_ = kTag;
          tag_.clear();
        }
        break;
      case kTag:
        tag_ += c;
        if (tag_ == "?" || tag_ == "!--") {
          state_ = tag_ == "?" ? kPi : kComment;
          prev1_ = prev2_ = 0;
        } else if (tag_ == "!DOCTYPE") {
          doctype_ = true;
          state_ = kDone;
        } else if (std::string_view("!DOCTYPE").substr(0, tag_.size()) != tag_ &&
                   std::string_view("!--").substr(0, tag_.size()) != tag_) {
          state_ = kDone;  // the root element (or garbage Xerces will reject)
        }
        break;
      case kComment:
        if (c == '>' && prev1_ == '-' && prev2_ == '-') state_ = kOut;
        prev2_ = prev1_;
        prev1_ = c;
        break;
      case kPi:
        if (c == '>' && prev1_ == '?') state_ = kOut;
        prev1_ = c;
        break;
      case kDone: break;
    }
  }

  State state_ = kOut;
  std::string tag_;
  char prev1_ = 0, prev2_ = 0;
  bool doctype_ = false;
};

// Feeds Xerces from a ByteSource, enforcing the size limit.
class SourceStream : public BinInputStream {
 public:
  SourceStream(const ByteSource& source, SaxOutcome* out, uint64_t max_bytes)
      : source_(source), out_(out), max_bytes_(max_bytes) {}
  XMLFilePos curPos() const override { return out_->bytes; }
  XMLSize_t readBytes(XMLByte* const to_fill, const XMLSize_t max_to_read) override {
    if (failed_) return 0;
    Result<size_t> r = source_(reinterpret_cast<char*>(to_fill), max_to_read);
    if (!r.ok()) {
      out_->source_error = r.status();
      failed_ = true;
      return 0;
    }
    out_->bytes += *r;
    if (prolog_.Feed(to_fill, *r)) out_->doctype_refused = true;
    if (out_->bytes > max_bytes_) {
      out_->too_large = true;
      failed_ = true;  // end the document here; the parse fails as truncated
      return 0;
    }
    return *r;
  }
  const XMLCh* getContentType() const override { return nullptr; }

 private:
  const ByteSource& source_;
  SaxOutcome* out_;
  uint64_t max_bytes_;
  bool failed_ = false;
  PrologScanner prolog_;
};

class SourceInput : public InputSource {
 public:
  SourceInput(const ByteSource& source, SaxOutcome* out, uint64_t max_bytes, const std::string& system_id)
      : source_(source), out_(out), max_bytes_(max_bytes), system_id_(ToUtf16(system_id)) {
    setSystemId(system_id_.c_str());
  }
  BinInputStream* makeStream() const override { return new SourceStream(source_, out_, max_bytes_); }

 private:
  const ByteSource& source_;
  SaxOutcome* out_;
  uint64_t max_bytes_;
  std::u16string system_id_;
};

// Refuses every external resource a document may ask for.
class RefusingResolver : public XMLEntityResolver {
 public:
  InputSource* resolveEntity(XMLResourceIdentifier*) override { return nullptr; }
};

}  // namespace

// Sits between Xerces and the caller's handler: records the root element,
// refuses DTDs, collects problems, and keeps exceptions away from Xerces.
struct SecureSaxParser::Impl : public ContentHandler, public LexicalHandler, public ErrorHandler {
  std::shared_ptr<const SchemaSet> schemas;
  std::unique_ptr<SAX2XMLReaderImpl> reader;
  SecurityManager security;
  RefusingResolver resolver;

  ContentHandler* user = nullptr;
  SaxOutcome* out = nullptr;
  const SaxOptions* options = nullptr;
  size_t depth = 0;
  bool stop = false;
  // Validity errors raised before the root element is known (its own
  // attributes) wait here until we know whether bevara holds its schema.
  std::vector<XmlIssue> before_root;
  bool ignore_validity = false;

  void AddIssue(XmlIssue::Kind kind, const SAXParseException& e) {
    if (out->issues.size() >= options->max_issues) {
      out->truncated_issues = true;
      stop = true;
      return;
    }
    XmlIssue issue;
    issue.kind = kind;
    issue.message = ToUtf8(e.getMessage());
    issue.line = e.getLineNumber();
    issue.column = e.getColumnNumber();
    out->issues.push_back(std::move(issue));
  }

  template <typename F>
  void Forward(F f) {
    if (user == nullptr || stop) return;
    try {
      f();
    } catch (...) {
      stop = true;
      XmlIssue issue{XmlIssue::Kind::kFatal, "internal error in the XML content handler", 0, 0};
      out->issues.push_back(issue);
    }
  }

  // ErrorHandler
  void warning(const SAXParseException& e) override { AddIssue(XmlIssue::Kind::kWarning, e); }
  void error(const SAXParseException& e) override {
    if (ignore_validity) return;
    if (depth == 0 && out->root_name.empty()) {
      if (before_root.size() < options->max_issues) {
        before_root.push_back({XmlIssue::Kind::kError, ToUtf8(e.getMessage()), e.getLineNumber(), e.getColumnNumber()});
      }
      return;
    }
    AddIssue(XmlIssue::Kind::kError, e);
  }
  void fatalError(const SAXParseException& e) override {
    // Xerces rejects an xsi:schemaLocation that is not namespace/location
    // pairs as fatal, although the document is well-formed. bevara never
    // follows schema hints, so a malformed hint is no fault of the document
    // (commons-ip writes such hints in its PREMIS files). Parsing goes on;
    // any other fatal error stops it.
    if (ToUtf8(e.getMessage()) == "schemaLocation does not contain namespace-location pairs") return;
    out->well_formed = false;
    AddIssue(XmlIssue::Kind::kFatal, e);
    stop = true;
  }
  void resetErrors() override {}

  // LexicalHandler: a DOCTYPE is refused outright.
  void startDTD(const XMLCh*, const XMLCh*, const XMLCh*) override {
    out->doctype_refused = true;
    stop = true;
  }
  void comment(const XMLCh* const, const XMLSize_t) override {}
  void endCDATA() override {}
  void endDTD() override {}
  void endEntity(const XMLCh* const) override {}
  void startCDATA() override {}
  void startEntity(const XMLCh* const) override {}

  // ContentHandler
  void characters(const XMLCh* const chars, const XMLSize_t length) override {
    Forward([&] { user->characters(chars, length); });
  }
  void endDocument() override { Forward([&] { user->endDocument(); }); }
  void endElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const qname) override {
    --depth;
    Forward([&] { user->endElement(uri, localname, qname); });
  }
  void ignorableWhitespace(const XMLCh* const chars, const XMLSize_t length) override {}
  void processingInstruction(const XMLCh* const target, const XMLCh* const data) override {}
  void setDocumentLocator(const Locator* const locator) override {
    Forward([&] { user->setDocumentLocator(locator); });
  }
  void startDocument() override { Forward([&] { user->startDocument(); }); }
  void startElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const qname,
                    const Attributes& attrs) override {
    if (depth++ == 0) {
      out->root_namespace = ToUtf8(uri);
      out->root_name = ToUtf8(localname);
      out->schema_validated = options->validate && schemas->HasNamespace(out->root_namespace);
      // A document bevara holds no schema for draws "no declaration" errors
      // for every element: they say nothing about the document, so they go.
      ignore_validity = !out->schema_validated;
      if (!ignore_validity) {
        for (XmlIssue& i : before_root) out->issues.push_back(std::move(i));
      }
      before_root.clear();
    }
    NoteSchemaHints(attrs);
    Forward([&] { user->startElement(uri, localname, qname, attrs); });
  }

  void NoteSchemaHints(const Attributes& attrs) {
    static const std::u16string xsi = u"http://www.w3.org/2001/XMLSchema-instance";
    for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
      const XMLCh* uri = attrs.getURI(i);
      if (uri == nullptr || uri[0] == 0 || xsi != uri) continue;  // most attributes are unqualified
      std::u16string_view name = attrs.getLocalName(i);
      if (name != u"schemaLocation" && name != u"noNamespaceSchemaLocation") continue;
      // schemaLocation holds "namespace location" pairs: only the
      // locations (odd tokens) are places a parser could fetch from.
      std::string value = ToUtf8(attrs.getValue(i));
      bool pairs = name == u"schemaLocation";
      size_t index = 0, p = 0;
      while (p < value.size()) {
        size_t start = value.find_first_not_of(" \t\r\n", p);
        if (start == std::string::npos) break;
        size_t end = value.find_first_of(" \t\r\n", start);
        if (end == std::string::npos) end = value.size();
        std::string token = value.substr(start, end - start);
        bool is_location = !pairs || index % 2 == 1;
        if (is_location && token.find("://") != std::string::npos && out->remote_schema_locations.size() < 8) {
          out->remote_schema_locations.push_back(token.substr(0, 512));
        }
        ++index;
        p = end;
      }
    }
  }
  void startPrefixMapping(const XMLCh* const, const XMLCh* const) override {}
  void endPrefixMapping(const XMLCh* const) override {}
  void skippedEntity(const XMLCh* const) override {}
};

SecureSaxParser::SecureSaxParser(std::shared_ptr<const SchemaSet> schemas) : impl_(new Impl) {
  impl_->schemas = std::move(schemas);
  impl_->reader.reset(new SAX2XMLReaderImpl(XMLPlatformUtils::fgMemoryManager, impl_->schemas->pool()));
  SAX2XMLReaderImpl* r = impl_->reader.get();
  r->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  r->setFeature(XMLUni::fgSAX2CoreNameSpacePrefixes, false);
  r->setFeature(XMLUni::fgXercesSchema, true);
  r->setFeature(XMLUni::fgXercesSchemaFullChecking, false);
  r->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
  r->setFeature(XMLUni::fgXercesCacheGrammarFromParse, false);
  r->setFeature(XMLUni::fgXercesLoadSchema, false);
  r->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
  r->setFeature(XMLUni::fgXercesSkipDTDValidation, true);
  r->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
  r->setFeature(XMLUni::fgXercesIdentityConstraintChecking, true);
  r->setFeature(XMLUni::fgXercesValidationErrorAsFatal, false);
  // Fatal errors stop the parse through `stop` (see fatalError), so that the
  // one harmless "fatal" error above can be let through.
  r->setFeature(XMLUni::fgXercesContinueAfterFatalError, true);
  // The schema-only scanner: no DTD machinery at all, and faster.
  r->setProperty(XMLUni::fgXercesScannerName, const_cast<XMLCh*>(XMLUni::fgSGXMLScanner));
  impl_->security.setEntityExpansionLimit(100);
  r->setProperty(XMLUni::fgXercesSecurityManager, &impl_->security);
  r->setXMLEntityResolver(&impl_->resolver);
  r->setContentHandler(impl_.get());
  r->setLexicalHandler(impl_.get());
  r->setErrorHandler(impl_.get());
}

SecureSaxParser::~SecureSaxParser() = default;

void SecureSaxParser::RequestStop() { impl_->stop = true; }

SaxOutcome SecureSaxParser::Parse(const ByteSource& source, const std::string& system_id,
                                  ContentHandler* content, const SaxOptions& options) {
  SaxOutcome out;
  impl_->user = content;
  impl_->out = &out;
  impl_->options = &options;
  impl_->depth = 0;
  impl_->stop = false;
  impl_->before_root.clear();
  impl_->ignore_validity = false;
  SAX2XMLReaderImpl* r = impl_->reader.get();
  // Always validate against the cached grammars (Xerces' "dynamic" mode
  // would validate only documents that carry a schema hint).
  r->setFeature(XMLUni::fgSAX2CoreValidation, options.validate);
  r->setFeature(XMLUni::fgXercesDynamic, false);
  SourceInput input(source, &out, options.max_bytes, system_id);
  XMLPScanToken token;
  try {
    if (r->parseFirst(input, token)) {
      while (!impl_->stop && r->parseNext(token)) {
      }
    }
    if (impl_->stop) r->parseReset(token);
  } catch (const SAXParseException& e) {
    impl_->fatalError(e);
  } catch (...) {
    out.well_formed = false;
    out.issues.push_back({XmlIssue::Kind::kFatal, "XML parser failure", 0, 0});
  }
  if (out.doctype_refused || out.too_large) out.well_formed = false;
  impl_->user = nullptr;
  impl_->out = nullptr;
  return out;
}

}  // namespace bevara::ingest
