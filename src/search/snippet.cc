#include "src/search/snippet.h"

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

std::vector<std::string> QueryWords(const Xapian::Query& query, const std::string& query_text) {
  std::vector<std::string> words;
  Xapian::Utf8Iterator it(query_text), end;
  while (it != end) {
    const size_t begin = query_text.size() - it.left();
    while (it != end && Xapian::Unicode::is_wordchar(*it)) ++it;
    const size_t stop = query_text.size() - it.left();
    if (stop > begin && it != end && *it == '*') {
      words.push_back(Xapian::Unicode::tolower(query_text.substr(begin, stop - begin)) + "*");
    }
    if (it != end) ++it;
  }
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

SnippetWords::SnippetWords(const std::vector<std::string>& query_words) {
  for (const std::string& w : query_words) {
    const bool wildcard = w.ends_with('*');
    words_.push_back(wildcard ? w.substr(0, w.size() - 1) : w);
    capitalised_.push_back(Capitalised(words_.back()));
    is_prefix_.push_back(wildcard);
  }
}

std::string_view SnippetSource(std::string_view text, const SnippetWords& words) {
  if (text.size() <= kSnippetWindowBytes) return text;
  size_t first = std::string::npos;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words.lower(i).empty()) continue;
    first = std::min({first, text.find(words.lower(i)), text.find(words.capitalised(i))});
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
  return text.substr(begin, end - begin);
}

namespace {

struct Token {
  size_t begin, end;  // bytes of the window
  bool marked;
};

// Whether `word` has a capital letter after its first character (ASCII,
// or Latin-1 capitals such as Å, Ä, Ö as UTF-8): rare, and then it is
// lower-cased whole before being compared.
bool CapitalInside(std::string_view word) {
  for (size_t i = 1; i < word.size(); ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if ((c >= 'A' && c <= 'Z') || (c == 0xC3 && i + 1 < word.size() && static_cast<unsigned char>(word[i + 1]) < 0xA0)) {
      return true;
    }
  }
  return false;
}

// Whether `word` is one of the query's words or has one as its Swedish
// stem. Snowball's Swedish stems are prefixes of their words, so only a
// word that starts with a query word (in lower case or capitalised) is
// lower-cased and stemmed; that keeps a snippet to a few microseconds.
bool Marked(std::string_view word, const SnippetWords& q, const Xapian::Stem& stemmer) {
  bool candidate = CapitalInside(word);
  for (size_t i = 0; i < q.size() && !candidate; ++i) {
    candidate = word.starts_with(q.lower(i)) || word.starts_with(q.capitalised(i));
  }
  if (!candidate) return false;
  const std::string lower = Xapian::Unicode::tolower(std::string(word));
  for (size_t i = 0; i < q.size(); ++i) {
    const std::string& w = q.lower(i);
    if (w.empty() || !lower.starts_with(w)) continue;
    if (q.is_prefix(i) || lower.size() == w.size() || stemmer(lower) == w) return true;
  }
  return false;
}

// The words of `window` (runs of Unicode word characters), marked when
// they are query words.
std::vector<Token> Tokens(std::string_view window, const Xapian::Stem& stemmer, const SnippetWords& words) {
  std::vector<Token> tokens;
  Xapian::Utf8Iterator it(window.data(), window.size()), end;
  while (it != end) {
    while (it != end && !Xapian::Unicode::is_wordchar(*it)) ++it;
    if (it == end) break;
    const size_t begin = window.size() - it.left();
    while (it != end && Xapian::Unicode::is_wordchar(*it)) ++it;
    const size_t stop = window.size() - it.left();
    tokens.push_back({begin, stop, Marked(window.substr(begin, stop - begin), words, stemmer)});
  }
  return tokens;
}

void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '"': *out += "&quot;"; break;
      default: out->push_back(c);
    }
  }
}

}  // namespace

std::string MakeSnippet(const Xapian::Stem& stemmer, const SnippetWords& words, std::string_view text) {
  const std::string_view window = SnippetSource(text, words);
  const std::vector<Token> tokens = Tokens(window, stemmer, words);
  if (tokens.empty()) return std::string();
  // From a little before the first marked word, as many whole words as fit.
  size_t first = 0;
  while (first < tokens.size() && !tokens[first].marked) ++first;
  if (first == tokens.size()) first = 0;
  size_t start = first;
  while (start > 0 && tokens[first].begin - tokens[start - 1].begin <= kSnippetLeadBytes) --start;
  size_t last = start;
  while (last + 1 < tokens.size() && tokens[last + 1].end - tokens[start].begin <= kSnippetBytes) ++last;

  // Bytes [from, to) of the window; what lies before the first word and
  // after the last is kept when they are the window's own ends.
  const size_t from = start == 0 ? 0 : tokens[start].begin;
  const size_t to = last + 1 == tokens.size() && window.size() - from <= kSnippetBytes ? window.size() : tokens[last].end;
  std::string out;
  if (from > 0 || window.data() != text.data()) out += "…";
  size_t at = from;
  for (size_t i = start; i <= last; ++i) {
    AppendEscaped(window.substr(at, tokens[i].begin - at), &out);
    if (tokens[i].marked) out += "<mark>";
    AppendEscaped(window.substr(tokens[i].begin, tokens[i].end - tokens[i].begin), &out);
    if (tokens[i].marked) out += "</mark>";
    at = tokens[i].end;
  }
  AppendEscaped(window.substr(at, to - at), &out);
  if (to < window.size() || window.data() + window.size() != text.data() + text.size()) out += "…";
  return out;
}

}  // namespace bevara::search
