// Text extraction for the full-text index: the words of a stored file, in
// UTF-8, from plain text, XML, HTML and PDF.
//
// Untrusted input, bounded work:
//   * files larger than max_input_bytes are not read at all;
//   * at most max_text_bytes of text are kept (the rest is cut, and said so);
//   * XML goes through the hardened parser (no DOCTYPE, nothing fetched),
//     HTML through libxml2's HTML parser with network access off, PDF
//     through poppler-cpp;
//   * nothing throws; a file that cannot be read gives an empty text and a
//     note saying why, and is still archived and listed.
//
// Thread-safety: ExtractText may run on several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ingest/xml/schema_set.h"
#include "src/common/env.h"

namespace bevara::search {

enum class TextFormat { kUnsupported, kPlain, kXml, kHtml, kPdf };

// From a media type ("text/plain; charset=utf-8", "application/pdf", ...).
TextFormat TextFormatForMime(std::string_view mime);
const char* TextFormatName(TextFormat format);

struct ExtractLimits {
  uint64_t max_input_bytes = 64ull << 20;
  size_t max_text_bytes = 1u << 20;
};

struct ExtractedText {
  std::string text;        // UTF-8, runs of whitespace made one space
  bool truncated = false;  // more text than max_text_bytes
  std::string note;        // why the text is missing or partial; empty when complete
};

// The text of `file` (`size` bytes), read as `format`. `schemas` is needed
// for XML (no validation is done; the hardened parser needs the set to
// refuse everything else). The file is read to its end even when the text
// is complete earlier, so that a reader that checks what it reads (a
// stored blob, storage::VerifyingReader) gets to say so: a file that turns
// out damaged (Corruption) gives no text at all, and a note.
ExtractedText ExtractText(TextFormat format, ReadableFile* file, uint64_t size, const ExtractLimits& limits,
                          const std::shared_ptr<const ingest::SchemaSet>& schemas);

}  // namespace bevara::search
