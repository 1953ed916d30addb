// Snippets: the part of a hit's text around the query's words, with the
// words marked. Internal to src/search.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace bevara::search {

// The words of `query` as they may be found in text: stems (Z-terms, without
// the Z) and unstemmed words; prefixed terms (filters, title:) are left out.
// A word written with a wildcard in `query_text` (the parser's input: the
// parsed query keeps no trace of it) is added lower-cased, ending in '*'.
std::vector<std::string> QueryWords(const Xapian::Query& query, const std::string& query_text = std::string());

// Query words (as QueryWords gives them) prepared once per search for
// finding in text: each without its wildcard '*', and with a capital first
// letter. Implicit, so that a list of words can be passed where it is taken.
class SnippetWords {
 public:
  SnippetWords(const std::vector<std::string>& query_words);
  SnippetWords(std::initializer_list<std::string> query_words)
      : SnippetWords(std::vector<std::string>(query_words)) {}

  size_t size() const { return words_.size(); }
  // The i-th word in lower case, without '*'; the same capitalised; whether
  // it had a '*' (any word that starts with it is a match).
  const std::string& lower(size_t i) const { return words_[i]; }
  const std::string& capitalised(size_t i) const { return capitalised_[i]; }
  bool is_prefix(size_t i) const { return is_prefix_[i]; }

 private:
  std::vector<std::string> words_, capitalised_;
  std::vector<bool> is_prefix_;
};

// The part of `text` to make a snippet from: all of it when short, else a
// window of about kSnippetWindowBytes around the first place where one of
// `words` appears (lower-case or with a capital first letter), or its start.
// Finding the first word by plain string search, and splitting only the window into
// words keeps a snippet's cost independent of the text's length (stored
// texts are up to 32 KiB).
inline constexpr size_t kSnippetWindowBytes = 480;
std::string_view SnippetSource(std::string_view text, const SnippetWords& words);

// The snippet of `text`: at most kSnippetBytes of whole words from a
// little before the first of the query's words (or from the start), the
// query's words, words whose Swedish stem is a query stem and words a
// wildcard covers in <mark>, HTML-escaped, "…" where text is left out.
// Xapian's MSet::snippet took 11 µs a hit on the benchmark's texts, a
// quarter of a search, because it lower-cases and stems every word; this
// stems only words that start with a query word. `stemmer` is Swedish; a
// Xapian::Stem keeps state while stemming, so each thread needs its own.
inline constexpr size_t kSnippetBytes = 300;
inline constexpr size_t kSnippetLeadBytes = 60;
std::string MakeSnippet(const Xapian::Stem& stemmer, const SnippetWords& words, std::string_view text);

}  // namespace bevara::search
