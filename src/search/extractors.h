// One extractor per format (text_extract.cc picks one). Internal to
// src/search. Each fills `sink` from the file at `path` and returns a note
// when the text is missing or partial for a reason other than the sink
// being full; they never throw.
#pragma once

#include <memory>
#include <string>

#include "ingest/xml/schema_set.h"
#include "src/search/text_sink.h"

namespace bevara::search {

std::string ExtractPlainText(const std::string& path, TextSink* sink);
std::string ExtractXmlText(const std::string& path, uint64_t max_bytes,
                           const std::shared_ptr<const ingest::SchemaSet>& schemas, TextSink* sink);
std::string ExtractHtmlText(const std::string& path, TextSink* sink);
std::string ExtractPdfText(const std::string& path, TextSink* sink);

}  // namespace bevara::search
