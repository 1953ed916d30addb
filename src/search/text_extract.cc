#include "src/search/text_extract.h"

#include <cstring>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

#include "src/common/file_util.h"
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

namespace {

// Passes reads through and keeps the first error, so that the extraction as
// a whole can tell a damaged file from a file with no text.
class TrackedFile final : public ReadableFile {
 public:
  explicit TrackedFile(ReadableFile* base) : base_(base) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (!error_.ok()) return error_;
    auto got = base_->Read(buf, n);
    if (!got.ok()) {
      error_ = got.status();
    } else if (*got == 0) {
      at_end_ = true;
    }
    return got;
  }
  const Status& error() const { return error_; }
  // Reads what the extractor left, so that the base sees the whole file.
  void Drain() {
    char buf[64 << 10];
    while (error_.ok() && !at_end_) (void)Read(buf, sizeof buf);
  }

 private:
  ReadableFile* base_;
  Status error_;
  bool at_end_ = false;
};

}  // namespace

std::string ExtractPlainText(ReadableFile* file, TextSink* sink) {
  // Decide the encoding on the first block, as editors do: UTF-16 when it
  // has a byte-order mark or NUL bytes, UTF-8 when it reads as UTF-8, else
  // Windows-1252 (which covers Latin-1).
  std::string block(64 << 10, '\0');
  enum class Encoding { kUtf8, kUtf16, kWindows1252 } encoding = Encoding::kUtf8;
  bool first = true, little_endian = true;
  size_t carried = 0;  // bytes of a character cut by the previous block
  for (;;) {
    auto n = ReadFull(file, block.data() + carried, block.size() - carried);
    if (!n.ok()) return "could not be read (" + n.status().message() + "); text up to there is indexed";
    if (*n == 0) return "";
    std::string_view bytes(block.data(), carried + *n);
    if (first) {
      size_t bom = 0;
      if (LooksLikeUtf16(bytes, &little_endian, &bom)) {
        encoding = Encoding::kUtf16;
        bytes.remove_prefix(bom);
      } else {
        encoding = LooksLikeUtf8(bytes) ? Encoding::kUtf8 : Encoding::kWindows1252;
      }
    }
    first = false;
    size_t keep = bytes.size();
    if (encoding == Encoding::kWindows1252) {
      if (!sink->Append(Windows1252ToUtf8(bytes))) return "";
    } else if (encoding == Encoding::kUtf16) {
      std::string utf8;
      keep = Utf16ToUtf8(bytes, little_endian, &utf8);
      if (!sink->Append(utf8)) return "";
    } else {
      keep = Utf8CompletePrefix(bytes);
      if (!sink->Append(bytes.substr(0, keep))) return "";
    }
    carried = bytes.size() - keep;
    std::memmove(block.data(), bytes.data() + keep, carried);
  }
}

ExtractedText ExtractText(TextFormat format, ReadableFile* file, uint64_t size, const ExtractLimits& limits,
                          const std::shared_ptr<const ingest::SchemaSet>& schemas) {
  ExtractedText out;
  if (format == TextFormat::kUnsupported) return out;
  if (size > limits.max_input_bytes) {
    out.note = std::string(TextFormatName(format)) + " file of " + std::to_string(size) +
               " bytes is larger than the extraction limit of " + std::to_string(limits.max_input_bytes) +
               "; its text is not indexed";
    return out;
  }
  TrackedFile tracked(file);
  TextSink sink(limits.max_text_bytes);
  std::string note;
  switch (format) {
    case TextFormat::kPlain: note = ExtractPlainText(&tracked, &sink); break;
    case TextFormat::kXml: note = ExtractXmlText(&tracked, limits.max_input_bytes, schemas, &sink); break;
    case TextFormat::kHtml: note = ExtractHtmlText(&tracked, &sink); break;
    case TextFormat::kPdf: note = ExtractPdfText(&tracked, size, &sink); break;
    case TextFormat::kUnsupported: break;
  }
  tracked.Drain();
  if (tracked.error().code() == StatusCode::kCorruption) {
    out.note = std::string(TextFormatName(format)) + ": the stored file is damaged (" + tracked.error().message() +
               "); its text is not indexed";
    return out;
  }
  out.truncated = sink.full();
  out.text = sink.Take();
  if (!note.empty()) {
    out.note = std::string(TextFormatName(format)) + ": " + note;
  } else if (!tracked.error().ok()) {
    out.note = std::string(TextFormatName(format)) + ": could not be read to its end (" + tracked.error().message() + ")";
  } else if (out.truncated) {
    out.note = "text longer than " + std::to_string(limits.max_text_bytes) + " bytes; the rest is not indexed";
  }
  return out;
}

}  // namespace bevara::search
