// bevara-bench-search: builds a search index of N generated records with
// text (as the indexer would put them, without the archive around them),
// then times queries on it in-process — the baseline for the HTTP figures
// of bench_search.sh.
//
//   bevara-bench-search build DIR N        index N records into DIR/index
//   bevara-bench-search query DIR QUERIES  time each query (one per line) on the public index
//   bevara-bench-search compact DIR [DB]   compact DIR/index (or its DB, all or public)
//                                          into DIR/compact/index
//   bevara-bench-search words N [uniform]  print N queries of content words drawn as often
//                                          as in the text, or each alike
#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "src/access/publication_rules.h"
#include "src/search/search_index.h"
#include "storage/archive/archive.h"
#include "src/search/stopwords.h"

namespace {

using bevara::Status;
using bevara::search::IndexedRecord;
using Clock = std::chrono::steady_clock;

constexpr char kToday[] = "2026-11-24";

// Text shaped like Swedish prose by Zipf's law: about 45% of the words are
// function words (the stopword list, the commonest first), the rest drawn
// from kContentWords Swedish-looking words (syllables joined, as Swedish
// joins words into compounds) with the word of rank r as frequent as 1/r.
// The old generator drew ~4,000 words, so that the average word was in 6%
// of all records; in Swedish text most words are far rarer than that.
constexpr size_t kContentWords = 200000;
constexpr double kFunctionWordShare = 0.45;

std::vector<std::string> ContentVocabulary() {
  const char* syllables[] = {"bygg", "lov", "an", "sök", "be", "slut", "för", "valt", "ning", "sam", "häll", "skol",
                             "vård", "mil", "jö", "gat", "park", "vatt", "en", "plan", "över", "klag", "an", "de",
                             "tjänst", "skriv", "el", "se", "del", "ta", "ga", "fast", "ig", "het", "kom", "mun",
                             "nämnd", "ären", "hand", "ling", "upp", "drag", "ut", "red", "tion", "in", "kom",
                             "mand", "lag", "rätt", "bo", "stad", "tomt", "väg", "bro", "hamn", "torg", "ber",
                             "äk", "ning", "sko", "ja", "bi", "drag", "stöd", "ton", "avg", "ift", "taxa", "brev"};
  const size_t n = sizeof syllables / sizeof *syllables;
  std::mt19937_64 rng(7);
  std::set<std::string> seen;
  std::vector<std::string> words;
  while (words.size() < kContentWords) {
    std::string w;
    for (int parts = 2 + static_cast<int>(rng() % 3); parts > 0; --parts) w += syllables[rng() % n];
    if (bevara::search::SwedishStopwords().count(w) == 0 && seen.insert(w).second) words.push_back(w);
  }
  return words;
}

class WordSource {
 public:
  explicit WordSource(uint64_t seed)
      : function_(bevara::search::SwedishStopwords().begin(), bevara::search::SwedishStopwords().end()),
        content_(ContentVocabulary()), rng_(seed) {
    std::shuffle(function_.begin(), function_.end(), rng_);
  }
  // A content word, each alike.
  const std::string& Uniform() { return content_[rng_() % content_.size()]; }
  // A content word, as often as in the text.
  const std::string& Content() { return Zipf(content_); }
  std::string Text(int n) {
    std::string t;
    for (int i = 0; i < n; ++i) {
      if (i) t += (i % 12 == 0) ? ". " : " ";
      t += unit_(rng_) < kFunctionWordShare ? Zipf(function_) : Zipf(content_);
    }
    return t;
  }

 private:
  // Rank r (from 1) with probability about 1/(r ln n): r = n^u for a uniform u.
  const std::string& Zipf(const std::vector<std::string>& words) {
    const auto rank = static_cast<size_t>(std::pow(static_cast<double>(words.size()), unit_(rng_)));
    return words[std::min(rank, words.size()) - 1];
  }

  std::vector<std::string> function_, content_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
};

// The publication rule of each of the 20 creators (the public's answers are
// checked against them, as a real archive's are).
std::vector<std::string> g_rule_ids;

IndexedRecord MakeRecord(uint64_t i, WordSource* w) {
  IndexedRecord r;
  r.package_id = "bench-" + std::to_string(i / 50);
  r.record_id = r.package_id + "-r" + std::to_string(i % 50 + 1);
  r.id = bevara::search::RecordSearchId(r.package_id, r.record_id);
  r.version = 1;
  const uint64_t c = i / 50;
  r.case_number = "KS " + std::to_string(2000 + c % 26) + "-" + std::to_string(1000 + c % 9000);
  r.case_title = "Ärende om " + w->Text(4);
  r.creator = "Kommun " + std::to_string(c % 20);
  r.classification_code = std::to_string(1 + c % 9) + "." + std::to_string(1 + c % 4);
  r.title = "Handling om " + w->Text(5);
  static const char* kTypes[] = {"ansökan", "beslut", "yttrande", "protokoll", "skrivelse", "kvitto", "bilaga", "tjänsteanteckning"};
  static const char* kDirections[] = {"incoming", "internal", "outgoing"};
  r.record_type = kTypes[i % 8];
  r.direction = kDirections[i % 3];
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", static_cast<int>(2000 + c % 26), static_cast<int>(1 + i % 12),
                static_cast<int>(1 + i % 28));
  r.date = date;
  r.text = w->Text(150);  // about 1 KB of text per record
  const bool secret = i % 5 == 0;
  r.access_state = secret ? "secret" : "published";
  r.visible_from = secret ? bevara::search::kNeverVisible : bevara::search::kVisibleNow;
  if (!secret && !g_rule_ids.empty()) r.published_by = g_rule_ids[c % 20];
  r.files = {"submission/representations/rep1/data/handling-" + std::to_string(i) + ".txt"};
  return r;
}

// The archive around the index, as the server's public answers need it:
// each package at version 1 in the catalog (so the check at answer time
// finds the head the index holds) and a publication rule per creator.
int BuildArchive(const std::string& dir, uint64_t n) {
  bevara::Env* env = bevara::Env::Default();
  auto rules = bevara::access::PublicationRules::Open(env, dir + "/access");
  if (!rules.ok()) return std::cerr << rules.status().ToString() << "\n", 2;
  for (int c = 0; c < 20; ++c) {
    bevara::access::PublicationRule rule;
    rule.creator = "Kommun " + std::to_string(c);
    rule.reason = "benchmark";
    rule.by = "bench";
    auto added = (*rules)->Add(rule, "2026-11-24T00:00:00Z");
    if (!added.ok()) return std::cerr << added.status().ToString() << "\n", 2;
    g_rule_ids.push_back(added->id);
  }
  bevara::storage::ArchiveOptions create;
  create.create_if_missing = true;
  auto archive = bevara::storage::Archive::Open(env, dir, create);
  if (!archive.ok()) return std::cerr << archive.status().ToString() << "\n", 2;
  for (uint64_t p = 0; p * 50 < n; ++p) {
    bevara::storage::VersionRecord record;
    record.package_id = "bench-" + std::to_string(p);
    record.version = 1;
    record.created = "2026-11-24T00:00:00Z";
    auto update = (*archive)->BeginUpdate(record.package_id);
    if (!update.ok()) return std::cerr << update.status().ToString() << "\n", 2;
    Status s = (*update)->Commit(record, std::string(64, '0'));
    if (!s.ok()) return std::cerr << s.ToString() << "\n", 2;
  }
  return 0;
}

int Build(const std::string& dir, uint64_t n) {
  if (int rc = BuildArchive(dir, n); rc != 0) return rc;
  auto index = bevara::search::SearchIndex::Open(bevara::Env::Default(), dir + "/index");
  if (!index.ok()) return std::cerr << index.status().ToString() << "\n", 2;
  WordSource words(1);
  auto start = Clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    if (!(*index)->Put(MakeRecord(i, &words), kToday).ok()) return 2;
    if ((i + 1) % 50 == 0 && !(*index)->SetIndexedVersion("bench-" + std::to_string(i / 50), 1).ok()) return 2;
    if ((i + 1) % 20000 == 0) {
      if (!(*index)->Commit().ok()) return 2;
      double s = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "\r%llu records, %.0f records/s   ", static_cast<unsigned long long>(i + 1), (i + 1) / s);
    }
  }
  if (!(*index)->Commit().ok()) return 2;
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "\n");
  std::printf("built %llu records in %.1f s: %.0f records/s\n", static_cast<unsigned long long>(n), s, n / s);
  return 0;
}

int Query(const std::string& dir, const std::string& queries_file) {
  // A second handle on the index: read-only use is what the server does too.
  auto index = bevara::search::SearchIndex::Open(bevara::Env::Default(), dir + "/index");
  if (!index.ok()) return std::cerr << index.status().ToString() << "\n", 2;
  std::ifstream in(queries_file);
  std::vector<double> ms;
  uint64_t hits = 0, sampled = 0;
  for (std::string q; std::getline(in, q);) {
    bevara::search::SearchQuery sq;
    sq.text = q;
    auto start = Clock::now();
    auto r = (*index)->Search(sq, bevara::search::Audience::kPublic);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!r.ok()) return std::cerr << r.status().ToString() << "\n", 2;
    hits += r->total;
    sampled += r->sampled ? 1 : 0;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("in-process: %zu queries, p50 %.2f ms, p99 %.2f ms, mean %.2f ms, mean hits %.0f, sampled %.0f%%\n",
              ms.size(), pct(0.5), pct(0.99), std::accumulate(ms.begin(), ms.end(), 0.0) / ms.size(),
              static_cast<double>(hits) / ms.size(), 100.0 * sampled / ms.size());
  return 0;
}

// Xapian's compaction of both databases into DIR/compact/index (what a
// fresh index could be after a rebuild): time and size.
int Compact(const std::string& dir, const std::vector<std::string>& dbs) {
  auto start = Clock::now();
  for (const std::string& db : dbs) {
    const std::string out = dir + "/compact/index/" + db;
    std::filesystem::create_directories(out);
    Xapian::Database(dir + "/index/" + db).compact(out, Xapian::DBCOMPACT_NO_RENUMBER);
  }
  std::printf("compacted in %.1f s\n", std::chrono::duration<double>(Clock::now() - start).count());
  return 0;
}

int Words(uint64_t n, bool uniform) {
  WordSource words(99);
  auto word = [&]() -> std::string { return uniform ? words.Uniform() : words.Content(); };
  for (uint64_t i = 0; i < n; ++i) {
    // Mostly one word, some two-word queries and phrases, as people search.
    switch (i % 4) {
      case 0: case 1: std::printf("%s\n", word().c_str()); break;
      case 2: { std::string a = word(); std::printf("%s %s\n", a.c_str(), word().c_str()); break; }
      default: { std::string a = word(); std::printf("\"%s %s\"\n", a.c_str(), word().c_str()); break; }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 3 && a[0] == "build") return Build(a[1], std::stoull(a[2]));
  if (a.size() == 3 && a[0] == "query") return Query(a[1], a[2]);
  if (a.size() == 2 && a[0] == "compact") return Compact(a[1], {"all", "public"});
  if (a.size() == 3 && a[0] == "compact") return Compact(a[1], {a[2]});
  if ((a.size() == 2 || a.size() == 3) && a[0] == "words") return Words(std::stoull(a[1]), a.size() == 3 && a[2] == "uniform");
  std::cerr << "usage: bevara-bench-search build DIR N | query DIR QUERIES | compact DIR [all|public] | words N [uniform]\n";
  return 2;
}
