// The text of a PDF through poppler-cpp, page by page, until the sink is
// full. Encrypted and damaged files give a note instead of text.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <memory>
#include <mutex>

#include "src/search/extractors.h"

namespace bevara::search {
namespace {

void Quiet(const std::string&, void*) {}

}  // namespace

std::string ExtractPdfText(const std::string& path, TextSink* sink) {
  // Poppler prints every complaint about a damaged file to stderr.
  static std::once_flag quiet;
  std::call_once(quiet, [] { poppler::set_debug_error_function(Quiet, nullptr); });
  try {
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
    if (!doc) return "could not be read (damaged, or not a PDF)";
    if (doc->is_locked()) return "encrypted; its text is not indexed";
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
