// MetsHandler: SAX2 content handler that fills a MetsDocument.
//
// It trusts nothing: it copies strings, bounds what it keeps, and never
// throws. Whether the document is valid METS is decided by the schema
// (secure_sax.h) and the profile checks (profile_checks.h), not here.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <xercesc/sax2/DefaultHandler.hpp>

#include "ingest/mets/mets_model.h"

namespace bevara::ingest {

inline constexpr const char16_t* kMetsNamespace = u"http://www.loc.gov/METS/";

class MetsHandler : public xercesc_3_2::DefaultHandler {
 public:
  // Keeps at most `max_declarations` file/mdRef declarations; past that the
  // document is marked too_many_declarations and the rest is ignored.
  MetsHandler(MetsDocument* doc, size_t max_declarations);

  void setDocumentLocator(const xercesc_3_2::Locator* const locator) override;
  void startElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const qname,
                    const xercesc_3_2::Attributes& attrs) override;
  void endElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const qname) override;
  void characters(const XMLCh* const chars, const XMLSize_t length) override;

 private:
  uint64_t Line() const;
  void OnRoot(const xercesc_3_2::Attributes& attrs);
  void OnHeader(const xercesc_3_2::Attributes& attrs);
  void OnAgent(const xercesc_3_2::Attributes& attrs);
  void OnFileLike(FileDeclaration::Kind kind, const xercesc_3_2::Attributes& attrs);
  void OnFLocat(const xercesc_3_2::Attributes& attrs);
  void OnFileGroup(const xercesc_3_2::Attributes& attrs);
  void OnDiv(const xercesc_3_2::Attributes& attrs);
  void OnPointer(const xercesc_3_2::Attributes& attrs);

  MetsDocument* doc_;
  size_t max_declarations_;
  const xercesc_3_2::Locator* locator_ = nullptr;
  int depth_ = 0;
  int foreign_depth_ = 0;      // > 0 inside xmlData / other namespaces
  int div_depth_ = 0;
  std::vector<uint32_t> group_stack_;  // enclosing fileGrps, as indexes into file_groups
  std::vector<size_t> open_files_;  // indexes into doc_->files of enclosing <file>s
  std::vector<int32_t> div_stack_;  // enclosing divs, as indexes into divs
  // Which text is being read: the last agent's name or its last note. Never
  // a pointer into doc_: an <agent> nested in a <name> (invalid, but parsing
  // goes on after validity errors) grows the vector under it.
  enum class TextTarget { kNone, kAgentName, kAgentNote, kAltRecordId };
  TextTarget text_ = TextTarget::kNone;
};

}  // namespace bevara::ingest
