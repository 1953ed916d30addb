#include "ingest/mets/mets_reader.h"

#include "ingest/mets/mets_handler.h"
#include "ingest/xml/parallel_parse.h"

namespace bevara::ingest {

SaxOutcome ReadMetsDocument(SecureSaxParser* validating, SecureSaxParser* building, const ByteSource& source,
                            int64_t declared_size, const std::string& system_id, size_t max_declarations,
                            const SaxOptions& options, MetsDocument* doc) {
  MetsHandler handler(doc, max_declarations);
  if (building != nullptr && declared_size > kParallelThreshold) {
    return ParseTwiceInParallel(validating, building, source, system_id, &handler, options);
  }
  return validating->Parse(source, system_id, &handler, options);
}

}  // namespace bevara::ingest
