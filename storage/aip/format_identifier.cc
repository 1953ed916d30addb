#include "storage/aip/format_identifier.h"

#include <magic.h>

#include <algorithm>
#include <cctype>

namespace bevara::storage {
namespace {

// No decompression: a package file is identified as what it is, and a
// compressed file is never expanded to look inside it.
constexpr int kBaseFlags = MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR;

Result<magic_t> OpenMagic(int flags) {
  magic_t cookie = magic_open(flags);
  if (cookie == nullptr) return Status::Internal("libmagic: magic_open failed");
  if (magic_load(cookie, nullptr) != 0) {
    std::string error = magic_error(cookie) ? magic_error(cookie) : "unknown error";
    magic_close(cookie);
    return Status::Internal("libmagic: cannot load its database: " + error);
  }
  return cookie;
}

// Whether a text may be more than plain text: markup ('<'), RTF ('{'),
// PostScript ('%'), scripts ('#!') and other texts that open with a symbol,
// and mail, vCard or iCalendar, which open with a header line ("Name: ",
// "From ", "BEGIN:"). Prose opens with a word and no colon after it.
// A byte of a word: an ASCII letter or digit, or part of a UTF-8 sequence
// (å, ä, ö and every other non-ASCII letter).
bool IsWordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

bool MayBeStructuredText(const char* head, size_t n) {
  size_t i = 0;
  if (n >= 3 && static_cast<unsigned char>(head[0]) == 0xEF && static_cast<unsigned char>(head[1]) == 0xBB &&
      static_cast<unsigned char>(head[2]) == 0xBF) {
    i = 3;  // UTF-8 byte order mark
  }
  while (i < n && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  if (i == n) return false;
  if (!IsWordByte(static_cast<unsigned char>(head[i]))) return true;
  size_t word = i;
  while (i < n && (IsWordByte(static_cast<unsigned char>(head[i])) || head[i] == '-')) ++i;
  std::string_view first(head + word, i - word);
  return (i < n && head[i] == ':') || first == "From";
}

}  // namespace

Result<std::unique_ptr<FormatIdentifier>> FormatIdentifier::Create() {
  auto fast = OpenMagic(kBaseFlags | MAGIC_NO_CHECK_SOFT);
  if (!fast.ok()) return fast.status();
  auto full = OpenMagic(kBaseFlags);
  if (!full.ok()) {
    magic_close(*fast);
    return full.status();
  }
  return std::unique_ptr<FormatIdentifier>(new FormatIdentifier(*fast, *full));
}

FormatIdentifier::~FormatIdentifier() {
  magic_close(static_cast<magic_t>(fast_));
  magic_close(static_cast<magic_t>(full_));
}

std::string FormatIdentifier::Identify(const char* head, size_t n) {
  // libmagic's pattern tests ("soft magic") take 0.3-1.7 ms on a plain text
  // and 30-80 us on binary data: 10,000 small text files would spend seconds
  // there. The built-in tests (encoding, JSON, CSV, ...) take microseconds;
  // a text is handed to the pattern tests only when it may be more than text.
  // The built-in tests read the whole buffer (the encoding test is most of
  // their cost); the first few kilobytes tell text from binary.
  const char* type = magic_buffer(static_cast<magic_t>(fast_), head, std::min(n, kTextProbeBytes));
  std::string fast = type ? type : "";
  bool is_text = fast.rfind("text/", 0) == 0;
  if (fast == "application/x-empty" || fast == "application/json" || (is_text && fast != "text/plain") ||
      (fast == "text/plain" && !MayBeStructuredText(head, std::min(n, kTextProbeBytes)))) {
    return fast;
  }
  type = magic_buffer(static_cast<magic_t>(full_), head, is_text ? std::min(n, kTextProbeBytes) : n);
  return type ? type : "application/octet-stream";
}

namespace {

// "Text/XML; charset=utf-8" -> "text/xml"
std::string Essence(std::string_view mime) {
  mime = mime.substr(0, mime.find(';'));
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  std::string out(mime);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool IsXmlType(const std::string& t) {
  return t == "application/xml" || t == "text/xml" || (t.size() > 4 && t.compare(t.size() - 4, 4, "+xml") == 0);
}

}  // namespace

bool MimeTypesAgree(std::string_view declared_mime, std::string_view detected_mime) {
  std::string declared = Essence(declared_mime), detected = Essence(detected_mime);
  if (declared == detected || declared == "application/octet-stream") return true;
  if (IsXmlType(declared) && IsXmlType(detected)) return true;
  return declared.rfind("text/", 0) == 0 && detected == "text/plain";
}

}  // namespace bevara::storage
