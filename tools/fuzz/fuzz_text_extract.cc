// libFuzzer target: any bytes as a stored file for the search index's text
// extraction (plain text, XML, HTML through libxml2, PDF through poppler),
// then the personnummer masking that every public text passes, and a
// snippet of the raw bytes and of the extracted text for words taken from
// the input. The first byte picks the format; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/xml/schema_set.h"
#include "src/common/memory_file.h"
#include "src/search/personnummer.h"
#include "src/search/snippet.h"
#include "src/search/text_extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bevara::search;
  static const auto schemas = *bevara::ingest::SchemaSet::Shared();
  if (size == 0) return 0;
  constexpr TextFormat kFormats[] = {TextFormat::kPlain, TextFormat::kXml, TextFormat::kHtml, TextFormat::kPdf};
  const TextFormat format = kFormats[data[0] % 4];
  const std::string_view file_bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  bevara::MemoryFile file(file_bytes);
  ExtractLimits limits;
  limits.max_text_bytes = 64 << 10;
  ExtractedText text = ExtractText(format, &file, size - 1, limits, schemas);
  (void)ContainsPersonnummer(text.text);
  MaskPersonnummer(&text.text);
  // Query words from the input itself, so that some are found; a wildcard
  // and an empty word too.
  static const Xapian::Stem stemmer("swedish");
  const std::string raw(reinterpret_cast<const char*>(data + 1), size - 1);
  const SnippetWords words = {raw.substr(0, 4), raw.substr(size / 2, 3), raw.substr(0, 2) + "*", ""};
  (void)MakeSnippet(stemmer, words, raw);
  (void)MakeSnippet(stemmer, words, text.text);
  return 0;
}
