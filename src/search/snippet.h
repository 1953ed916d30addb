// Snippets: the part of a hit's text around the query's words, with the
// words marked. Internal to src/search.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace bevara::search {

// The words of `query` as they may be found in text: stems (Z-terms, without
// the Z) and unstemmed words. Prefixed terms (filters, title:) are left out.
std::vector<std::string> QueryWords(const Xapian::Query& query);

// The part of `text` to make a snippet from: all of it when short, else a
// window of about kSnippetWindowBytes around the first place where one of
// `words` appears (lower-case or with a capital first letter), or its start.
// Xapian's snippet maker stems every word it is given; on a 32 KiB text it
// took 0.8 ms, over twenty times what a window costs; and its cost grows
// with the window, so the window is not much more than the 300-byte snippet
// (480 bytes instead of 1,200 cut a tenth of the CPU per query of the
// text-weighted benchmark mix).
inline constexpr size_t kSnippetWindowBytes = 480;
std::string SnippetSource(std::string_view text, const std::vector<std::string>& words);

// The snippet of `text` for a hit of `mset`: at most 300 bytes, the query's
// words in <mark>, HTML-escaped. `stemmer` is Swedish; a Xapian::Stem keeps
// state while stemming, so each thread needs its own.
std::string MakeSnippet(const Xapian::MSet& mset, const Xapian::Stem& stemmer, const std::vector<std::string>& words,
                        std::string_view text);

}  // namespace bevara::search
