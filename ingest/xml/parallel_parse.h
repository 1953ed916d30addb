// ParseTwiceInParallel: validates a document and builds a model from it at
// the same time, on two threads, from one read of its bytes.
//
// Xerces' validating parse is the cost of reading a large METS; building
// bevara's model from the SAX events costs a third as much again. On a
// machine with two cores, one thread validates (no content handler) while
// the other parses without validation and feeds the content handler. The
// caller's thread reads the bytes once (hashing them, for example) and hands
// each chunk to both.
//
// The outcome is the validating parse's (its issues, DOCTYPE and size
// verdicts); the content handler has seen the same document. Both parsers
// apply every protection of SecureSaxParser.
//
// Thread-safety: the two parsers must not be used by anyone else meanwhile.
#pragma once

#include <xercesc/sax2/ContentHandler.hpp>

#include "ingest/xml/secure_sax.h"

namespace bevara::ingest {

SaxOutcome ParseTwiceInParallel(SecureSaxParser* validating, SecureSaxParser* building, const ByteSource& source,
                                const std::string& system_id, xercesc_3_2::ContentHandler* content,
                                const SaxOptions& options);

}  // namespace bevara::ingest
