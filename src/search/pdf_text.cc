// The text of a PDF through poppler-cpp: its metadata, then page by page,
// until the sink is full. Encrypted and damaged files give a note instead of text.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <memory>
#include <mutex>
#include <vector>

#include "src/common/file_util.h"
#include "src/search/extractors.h"

namespace bevara::search {
namespace {

void Quiet(const std::string&, void*) {}

}  // namespace

std::string ExtractPdfText(ReadableFile* file, uint64_t size, TextSink* sink) {
  // Poppler prints every complaint about a damaged file to stderr.
  static std::once_flag quiet;
  std::call_once(quiet, [] { poppler::set_debug_error_function(Quiet, nullptr); });
  std::vector<char> data(static_cast<size_t>(size) + 1);  // one more: a file that grew is not read as a whole
  auto got = ReadFull(file, data.data(), data.size());
  if (!got.ok()) return "could not be read (" + got.status().message() + ")";
  if (*got != size) return "is not the size the archive recorded";
  try {
    // The document reads from `data`, which outlives it.
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(data.data(), static_cast<int>(size)));
    if (!doc) return "could not be read (damaged, or not a PDF)";
    if (doc->is_locked()) return "encrypted; its text is not indexed";
    // The document's own metadata (Title, Author, Subject, Keywords, XMP)
    // is text the public would get with the file: it is read like a page.
    for (const std::string& key : doc->info_keys()) {
      poppler::byte_array value = doc->info_key(key).to_utf8();
      sink->Append(std::string_view(value.data(), value.size()));
      sink->Break();
    }
    poppler::byte_array xmp = doc->metadata().to_utf8();
    sink->Append(std::string_view(xmp.data(), xmp.size()));
    sink->Break();
    const int pages = doc->pages();
    for (int i = 0; i < pages && !sink->full(); ++i) {
      std::unique_ptr<poppler::page> page(doc->create_page(i));
      if (!page) continue;
      poppler::byte_array utf8 = page->text().to_utf8();
      sink->Append(std::string_view(utf8.data(), utf8.size()));
      sink->Break();
    }
    return "";
  } catch (const std::exception& e) {
    return std::string("could not be read (") + e.what() + ")";
  }
}

}  // namespace bevara::search
