// One-time, secure initialisation of Xerces-C for the whole process.
//
// Debian's Xerces 3.2.4 links libcurl and will fetch DTDs, external entities
// and schemas named by a document. bevara turns all of that off:
//   * XERCES_DISABLE_DTD=1 is set before XMLPlatformUtils::Initialize(), so
//     any DOCTYPE is a fatal error (billion laughs, XXE, external DTDs);
//   * parsers never load schemas named by documents (see secure_sax.h);
//   * no entity resolver ever returns anything but bevara's embedded schemas.
#pragma once

#include <string>
#include <string_view>

#include <xercesc/util/XercesDefs.hpp>

#include "src/common/status.h"

namespace bevara::ingest {

// Idempotent and thread-safe. Xerces is never terminated: it lives as long
// as the process, like the grammars cached in it.
Status InitializeXml();

// UTF-16 (XMLCh) to UTF-8, without Xerces' transcoder (which allocates and
// is the slowest part of reading a large METS).
std::string ToUtf8(const XMLCh* s);
void AppendUtf8(const XMLCh* s, size_t n, std::string* out);
// UTF-8 to UTF-16.
std::u16string ToUtf16(std::string_view s);

}  // namespace bevara::ingest
