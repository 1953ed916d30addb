#include "src/search/text_extract.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

#include "src/search/extractors.h"

namespace bevara::search {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

TextFormat TextFormatForMime(std::string_view mime) {
  std::string type = Lower(mime.substr(0, mime.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "text/plain" || type == "text/csv" || type == "text/markdown") return TextFormat::kPlain;
  if (type == "text/html" || type == "application/xhtml+xml") return TextFormat::kHtml;
  if (type == "text/xml" || type == "application/xml" ||
      (type.size() > 4 && type.compare(type.size() - 4, 4, "+xml") == 0)) {
    return TextFormat::kXml;
  }
  if (type == "application/pdf") return TextFormat::kPdf;
  return TextFormat::kUnsupported;
}

const char* TextFormatName(TextFormat format) {
  switch (format) {
    case TextFormat::kPlain: return "plain text";
    case TextFormat::kXml: return "XML";
    case TextFormat::kHtml: return "HTML";
    case TextFormat::kPdf: return "PDF";
    case TextFormat::kUnsupported: break;
  }
  return "unsupported";
}

std::string ExtractPlainText(const std::string& path, TextSink* sink) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return "could not be opened";
  // Decide the encoding on the first block, as editors do: UTF-8 when it
  // reads as UTF-8, else Windows-1252 (which covers Latin-1).
  std::string block(64 << 10, '\0');
  bool utf8 = true, first = true;
  size_t carried = 0;  // bytes of a UTF-8 character cut by the previous block
  size_t n;
  while ((n = std::fread(block.data() + carried, 1, block.size() - carried, f.get())) > 0) {
    std::string_view bytes(block.data(), carried + n);
    if (first) utf8 = LooksLikeUtf8(bytes);
    first = false;
    if (!utf8) {
      if (!sink->Append(Windows1252ToUtf8(bytes))) break;
      continue;
    }
    size_t keep = Utf8CompletePrefix(bytes);
    if (!sink->Append(bytes.substr(0, keep))) break;
    carried = bytes.size() - keep;
    std::copy(block.begin() + keep, block.begin() + bytes.size(), block.begin());
  }
  return std::ferror(f.get()) ? "read error" : "";
}

ExtractedText ExtractText(TextFormat format, const std::string& path, uint64_t size, const ExtractLimits& limits,
                          const std::shared_ptr<const ingest::SchemaSet>& schemas) {
  ExtractedText out;
  if (format == TextFormat::kUnsupported) return out;
  if (size > limits.max_input_bytes) {
    out.note = std::string(TextFormatName(format)) + " file of " + std::to_string(size) +
               " bytes is larger than the extraction limit of " + std::to_string(limits.max_input_bytes) +
               "; its text is not indexed";
    return out;
  }
  TextSink sink(limits.max_text_bytes);
  std::string note;
  switch (format) {
    case TextFormat::kPlain: note = ExtractPlainText(path, &sink); break;
    case TextFormat::kXml: note = ExtractXmlText(path, limits.max_input_bytes, schemas, &sink); break;
    case TextFormat::kHtml: note = ExtractHtmlText(path, &sink); break;
    case TextFormat::kPdf: note = ExtractPdfText(path, &sink); break;
    case TextFormat::kUnsupported: break;
  }
  out.truncated = sink.full();
  out.text = sink.Take();
  if (!note.empty()) {
    out.note = std::string(TextFormatName(format)) + ": " + note;
  } else if (out.truncated) {
    out.note = "text longer than " + std::to_string(limits.max_text_bytes) + " bytes; the rest is not indexed";
  }
  return out;
}

}  // namespace bevara::search
