// ReadMetsDocument: parses and validates one METS document into a
// MetsDocument, as `bevara validate` does.
//
// A large METS (over kParallelThreshold bytes, as its archive entry
// declares) is validated and turned into the model on two threads at once
// (parallel_parse.h); a small one in one sequential pass, where a second
// thread would cost more than it saves.
#pragma once

#include <cstdint>
#include <string>

#include "ingest/mets/mets_model.h"
#include "ingest/xml/secure_sax.h"

namespace bevara::ingest {

inline constexpr int64_t kParallelThreshold = 1 << 20;

// `declared_size` is the entry's size from the archive header (-1 if
// unknown). `building` may be null, which forces the sequential path.
SaxOutcome ReadMetsDocument(SecureSaxParser* validating, SecureSaxParser* building, const ByteSource& source,
                            int64_t declared_size, const std::string& system_id, size_t max_declarations,
                            const SaxOptions& options, MetsDocument* doc);

}  // namespace bevara::ingest
