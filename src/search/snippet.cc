#include "search/snippet.h"

#include <algorithm>
#include <cctype>

namespace bevara::search {
namespace {

// `word` with its first letter in capitals: ASCII, and Å, Ä, Ö.
std::string Capitalised(const std::string& word) {
  std::string w = word;
  if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') {
    w[0] = static_cast<char>(w[0] - 'a' + 'A');
  } else if (w.size() >= 2 && static_cast<unsigned char>(w[0]) == 0xC3) {
    const unsigned char c = static_cast<unsigned char>(w[1]);
    if (c == 0xA5 || c == 0xA4 || c == 0xB6) w[1] = static_cast<char>(c - 0x20);  // å ä ö -> Å Ä Ö
  }
  return w;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::vector<std::string> QueryWords(const Xapian::Query& query) {
  std::vector<std::string> words;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
    const std::string& term = *t;
    if (term.empty()) continue;
    if (term[0] == 'Z') {
      if (term.size() > 1 && !std::isupper(static_cast<unsigned char>(term[1]))) words.push_back(term.substr(1));
    } else if (!std::isupper(static_cast<unsigned char>(term[0]))) {
      words.push_back(term);
    }
  }
  return words;
}

std::string SnippetSource(std::string_view text, const std::vector<std::string>& words) {
  if (text.size() <= kSnippetWindowBytes) return std::string(text);
  size_t first = std::string::npos;
  for (const std::string& w : words) {
    if (w.empty()) continue;
    first = std::min({first, text.find(w), text.find(Capitalised(w))});
  }
  size_t begin = first == std::string::npos || first < kSnippetWindowBytes / 4 ? 0 : first - kSnippetWindowBytes / 4;
  size_t end = std::min(text.size(), begin + kSnippetWindowBytes);
  while (begin > 0 && IsContinuationByte(text[begin])) --begin;
  while (end < text.size() && IsContinuationByte(text[end])) ++end;
  // Whole words only: drop the cut one at each end.
  if (begin > 0) {
    const size_t space = text.find(' ', begin);
    if (space != std::string::npos && space < end) begin = space + 1;
  }
  if (end < text.size()) {
    const size_t space = text.rfind(' ', end);
    if (space != std::string::npos && space > begin) end = space;
  }
  return std::string(text.substr(begin, end - begin));
}

std::string MakeSnippet(const Xapian::MSet& mset, const Xapian::Stem& stemmer, const std::vector<std::string>& words,
                        std::string_view text) {
  return mset.snippet(SnippetSource(text, words), 300, stemmer, 0, "<mark>", "</mark>", "…");
}

}  // namespace bevara::search
