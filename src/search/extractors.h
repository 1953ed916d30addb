// One extractor per format (text_extract.cc picks one). Internal to
// src/search. Each fills `sink` from `file`, read front to back, and returns
// a note when the text is missing or partial for a reason other than the
// sink being full; they never throw.
#pragma once

#include <memory>
#include <string>

#include "ingest/xml/schema_set.h"
#include "src/common/env.h"
#include "src/search/text_sink.h"

namespace bevara::search {

std::string ExtractPlainText(ReadableFile* file, TextSink* sink);
std::string ExtractXmlText(ReadableFile* file, uint64_t max_bytes,
                           const std::shared_ptr<const ingest::SchemaSet>& schemas, TextSink* sink);
std::string ExtractHtmlText(ReadableFile* file, TextSink* sink);
// Reads the whole file (`size` bytes) into memory first: poppler needs it all.
std::string ExtractPdfText(ReadableFile* file, uint64_t size, TextSink* sink);

}  // namespace bevara::search
