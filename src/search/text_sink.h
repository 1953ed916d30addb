// TextSink: where the extractors put text. Collapses whitespace, keeps only
// valid UTF-8 (invalid bytes become U+FFFD) and stops at a limit, on a
// character boundary. Internal to src/search.
#pragma once

#include <string>
#include <string_view>

namespace bevara::search {

class TextSink {
 public:
  explicit TextSink(size_t limit) : limit_(limit) {}

  // Appends UTF-8 text. Returns false once the limit is reached (the caller
  // should stop producing).
  bool Append(std::string_view utf8);
  // Appends a word break (between elements, pages).
  void Break() { pending_space_ = !text_.empty(); }
  bool full() const { return full_; }
  std::string Take() { return std::move(text_); }

 private:
  bool Put(std::string_view bytes);

  std::string text_;
  size_t limit_;
  bool pending_space_ = false;
  bool full_ = false;
};

// Latin-1 / Windows-1252 bytes as UTF-8 (old Swedish text files).
std::string Windows1252ToUtf8(std::string_view bytes);
// UTF-16 (little- or big-endian) as UTF-8; unpaired surrogates become
// U+FFFD. Decodes whole code units only: returns how many bytes it used
// (a byte or a high surrogate cut at the end is left for the next call).
size_t Utf16ToUtf8(std::string_view bytes, bool little_endian, std::string* out);
// Whether the first block of a text file is UTF-16: a byte-order mark, or
// NUL bytes (which text in UTF-8 or Windows-1252 does not hold). Sets
// *little_endian, and *bom_bytes to the length of a byte-order mark.
bool LooksLikeUtf16(std::string_view first_block, bool* little_endian, size_t* bom_bytes);
// Whether `bytes` is valid UTF-8, allowing a character cut at the very end.
bool LooksLikeUtf8(std::string_view bytes);
// The length of `bytes` without a UTF-8 character cut at its end.
size_t Utf8CompletePrefix(std::string_view bytes);

}  // namespace bevara::search
