#include "src/search/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <set>
#include <vector>

#include "src/common/file_util.h"
#include "src/common/mutex.h"
#include "src/search/docid_sample.h"
#include "src/search/facet_counter.h"
#include "src/search/facet_table.h"
#include "src/search/record_document.h"
#include "src/search/snippet.h"
#include "src/search/stopwords.h"

namespace bevara::search {
namespace {

constexpr const char* kPromotedThrough = "promoted-through";
constexpr const char* kFormatKey = "format";
constexpr const char* kVersionKeyPrefix = "version:";
// A query estimated to match up to kExactUpTo records is ranked over all its
// matches, with exact totals and facet counts. A broader one is ranked and
// counted over an evenly spread sample of about kSampleMatches of them
// (every docid stride of kSampleStrides strides gives its first part), and
// its total and facets are estimates. Ranking and counting all of a common
// word's 500,000 matches took 20-50 ms; a sample's cost does not grow with
// the archive, and the best of a thousand matches serves a reader as
// well as the best of half a million (who then narrows the search).
constexpr Xapian::doccount kExactUpTo = 1000;
constexpr Xapian::doccount kSampleMatches = 1000;
constexpr Xapian::docid kSampleStrides = 32;
// Facets of a sampled query are counted over about this many of the
// sample's matches (chosen by id, see FacetCounter): reading a match's facet
// value costs a few microseconds, and a few hundred give the shares within a
// few percent.
constexpr Xapian::doccount kFacetSample = 300;
constexpr Xapian::termcount kMaxWildcardExpansion = 200;
constexpr uint32_t kMaxLimit = 100;

// Facets reported, by audience.
struct Facet {
  const char* name;
  FacetField field;
  bool archive_only;
};
constexpr Facet kFacets[] = {
    {"creator", kFacetCreator, false},          {"classification", kFacetClassification, false},
    {"record_type", kFacetRecordType, false},   {"year", kFacetYear, false},
    {"direction", kFacetDirection, false},      {"access_state", kFacetAccessState, true},
};
constexpr size_t kFacetValuesShown = 20;

// The facets `audience` sees, scaled so that the matches counted stand for `total`.
std::vector<std::pair<std::string, std::vector<FacetCount>>> FacetCounts(const FacetCounter& counter,
                                                                         Audience audience, uint64_t total,
                                                                         bool exact) {
  const double counted = counter.counted();
  const double scale = exact || counted == 0 ? 1.0 : static_cast<double>(total) / counted;
  std::vector<std::pair<std::string, std::vector<FacetCount>>> facets;
  for (const Facet& f : kFacets) {
    if (f.archive_only && audience != Audience::kArchive) continue;
    facets.emplace_back(f.name, counter.Top(f.field, kFacetValuesShown, scale));
  }
  return facets;
}

Status FromXapian(const Xapian::Error& e) {
  if (std::string(e.get_type()) == "DatabaseLockError") {
    return Status::IOError("the search index is in use by another process (a running server?): " + e.get_msg());
  }
  if (std::string(e.get_type()) == "QueryParserError") {
    return Status::InvalidArgument("query: " + e.get_msg());
  }
  return Status::IOError("search index: " + e.get_description());
}

// Read-only handles on one database, reused across searches and reopened
// when the writer has committed since they were last used.
class ReaderPool {
 public:
  ReaderPool(std::string path, const std::atomic<uint64_t>* generation) : path_(std::move(path)), gen_(generation) {}

  struct Reader {
    Xapian::Database db;
    uint64_t generation;
  };

  std::unique_ptr<Reader> Acquire() {
    std::unique_ptr<Reader> r;
    {
      MutexLock lock(&mu_);
      if (!free_.empty()) {
        r = std::move(free_.back());
        free_.pop_back();
      }
    }
    const uint64_t now = gen_->load();
    if (!r) {
      r = std::make_unique<Reader>(Reader{Xapian::Database(path_), now});
    } else if (r->generation != now) {
      r->db.reopen();
      r->generation = now;
    }
    return r;
  }
  void Release(std::unique_ptr<Reader> r) {
    MutexLock lock(&mu_);
    free_.push_back(std::move(r));
  }

 private:
  std::string path_;
  const std::atomic<uint64_t>* gen_;
  Mutex mu_;
  std::vector<std::unique_ptr<Reader>> free_ GUARDED_BY(mu_);
};

// Runs `fn` on a pooled reader; retries once on a fresh handle when the
// writer moved on under a long search (Xapian keeps one old revision).
template <typename Fn>
auto WithReader(ReaderPool* pool, Fn&& fn) -> decltype(fn(std::declval<Xapian::Database&>())) {
  for (int attempt = 0;; ++attempt) {
    try {
      auto reader = pool->Acquire();
      auto result = fn(reader->db);
      pool->Release(std::move(reader));
      return result;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt > 0) return FromXapian(e);
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
  }
}

// Words left out of queries (outside phrases): Swedish function words,
// and any word found in more than kCommonWordShare of the records. Such a
// word barely ranks, but matching it reads most of the index: a query with
// one cost 20-50 ms at a million records, without it well under one.
// (Only in an index of kCommonWordMinRecords or more: in a small one,
// shares say little about a word.) A query of nothing but such words keeps them.
constexpr double kCommonWordShare = 0.3;
constexpr Xapian::doccount kCommonWordMinRecords = 10000;
class CommonWordStopper : public Xapian::Stopper {
 public:
  explicit CommonWordStopper(const Xapian::Database& db)
      : db_(db),
        common_(db.get_doccount() < kCommonWordMinRecords
                    ? 0
                    : static_cast<Xapian::doccount>(db.get_doccount() * kCommonWordShare)) {}
  bool operator()(const std::string& word) const override {
    return SwedishStopwords().count(word) > 0 || (common_ > 0 && db_.get_termfreq(word) > common_);
  }

 private:
  const Xapian::Database& db_;
  Xapian::doccount common_;
};

Xapian::Query Filter(Xapian::Query q, const char* prefix, const std::string& value) {
  if (value.empty()) return q;
  return Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(FilterTerm(prefix, value)));
}

Xapian::Query BuildQuery(const SearchQuery& sq, Audience audience, const Xapian::Database& db) {
  // Not Xapian::Query::MatchAll: that is one shared object, and copying it
  // changes its reference count, which Xapian does not make atomic — from
  // many request threads at once that corrupted the count and crashed the
  // server. The empty term matches every document too, in a query of our own.
  Xapian::Query q{std::string()};
  if (!sq.text.empty()) {
    const CommonWordStopper stopper(db);
    Xapian::QueryParser parser;
    parser.set_stopper(&stopper);
    parser.set_stemmer(Xapian::Stem("swedish"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_AND);
    parser.set_database(db);
    parser.set_max_expansion(kMaxWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    parser.add_prefix("title", kPrefixTitle);
    q = parser.parse_query(sq.text, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
                                        Xapian::QueryParser::FLAG_PURE_NOT);
  }
  q = Filter(q, kPrefixCaseNumber, sq.case_number);
  q = Filter(q, kPrefixCreator, sq.creator);
  q = Filter(q, kPrefixClassification, sq.classification);
  q = Filter(q, kPrefixRecordType, sq.record_type);
  q = Filter(q, kPrefixDirection, sq.direction);
  if (!sq.package_id.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(PackageTerm(sq.package_id)));
  if (audience == Audience::kArchive) q = Filter(q, kPrefixAccessState, sq.access_state);
  if (audience == Audience::kArchive && sq.review_only) {
    q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(kTermReview));
  }
  if (!sq.date_from.empty() || !sq.date_to.empty()) {
    Xapian::Query range;
    if (sq.date_to.empty()) {
      range = Xapian::Query(Xapian::Query::OP_VALUE_GE, kSlotDate, sq.date_from);
    } else if (sq.date_from.empty()) {
      // "0" sorts after every empty value: records without a date stay out.
      range = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSlotDate, "0", sq.date_to);
    } else {
      range = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSlotDate, sq.date_from, sq.date_to);
    }
    q = Xapian::Query(Xapian::Query::OP_FILTER, q, range);
  }
  return q;
}

// One page of a match: where it starts, how long it is, and whether it is
// sorted by date (newest first; a query without words) or by relevance.
struct MatchPage {
  uint32_t offset, limit;
  bool by_date;
};

// Runs `query` for `page`, checking at least `check_at_least` matches (each
// shown to `facets`, when given).
Xapian::MSet Match(Xapian::Database& db, const Xapian::Query& query, const MatchPage& page,
                   Xapian::doccount check_at_least, FacetCounter* facets) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  if (page.by_date) enquire.set_sort_by_value_then_relevance(kSlotDate, true);
  if (facets) enquire.add_matchspy(facets);
  return enquire.get_mset(page.offset, page.limit, check_at_least);
}

// `query` restricted to `sample` (which the query then owns).
Xapian::Query Restricted(const Xapian::Query& query, DocidSample* sample) {
  return Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(sample->release()));
}

// A broad query (about `estimate` matches) ranked and counted over an evenly
// spread sample of about kSampleMatches of its matches, grown until it fills
// the page. A query without words lists the newest of the most recently
// archived records instead, and counts its facets over the spread sample.
Xapian::MSet MatchSampled(Xapian::Database& db, const Xapian::Query& query, Xapian::doccount estimate,
                          const MatchPage& page, FacetCounter* facets) {
  const Xapian::docid last = db.get_lastdocid();
  const Xapian::doccount wanted = std::max<Xapian::doccount>(kSampleMatches, 2 * (page.offset + page.limit));
  const Xapian::docid stride = std::max<Xapian::docid>(1, last / kSampleStrides);
  double fraction = std::min(1.0, static_cast<double>(wanted) / estimate);
  for (;;) {
    const auto take = std::clamp<Xapian::docid>(static_cast<Xapian::docid>(stride * fraction), 1, stride);
    const Xapian::doccount check = static_cast<Xapian::doccount>(2 * estimate * fraction) + 1;
    Xapian::MSet mset;
    facets->Reset(std::max<Xapian::doccount>(1, check / 2 / kFacetSample));
    if (!page.by_date) {
      mset = Match(db, Restricted(query, new DocidSample(1, last, stride, take)), page, check, facets);
    } else {
      Match(db, Restricted(query, new DocidSample(1, last, stride, take)), MatchPage{0, 0, false}, check, facets);
      const auto window = std::clamp<Xapian::docid>(static_cast<Xapian::docid>(last * fraction), 1, last);
      mset = Match(db, Restricted(query, new DocidSample(last - window + 1, last, window, window)), page, 0, nullptr);
    }
    if (mset.size() >= page.limit || take == stride) return mset;
    fraction = std::min(1.0, fraction * 8);
  }
}

void AddHits(const Xapian::MSet& mset, const Xapian::Query& query, const std::string& query_text,
             SearchResult* result) {
  const Xapian::Stem stemmer("swedish");
  const SnippetWords words(QueryWords(query, query_text));
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const std::string data = it.get_document().get_data();
    auto stored = ParseStoredRecord(data);
    if (!stored) continue;  // not written by ToDocument: never the case in an index of this format
    result->hits.push_back(SearchHit{std::string(stored->id), std::string(stored->package_id),
                                     std::string(stored->summary_json),
                                     MakeSnippet(stemmer, words, stored->text), std::string(stored->proof)});
  }
}

}  // namespace

struct SearchIndex::Impl {
  std::string dir;
  Mutex write_mu;
  std::unique_ptr<Xapian::WritableDatabase> all PT_GUARDED_BY(write_mu), pub PT_GUARDED_BY(write_mu);
  std::atomic<uint64_t> generation{0};
  std::unique_ptr<ReaderPool> all_readers, public_readers;
  // The facet values of each database's documents, kept up to date by Put.
  FacetTable all_facets, public_facets;

  ReaderPool* Pool(Audience a) { return a == Audience::kPublic ? public_readers.get() : all_readers.get(); }
  const FacetTable* Facets(Audience a) const { return a == Audience::kPublic ? &public_facets : &all_facets; }
};

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(Env* env, const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  if (Status s = CreateDirs(env, dir); !s.ok()) return s.WithMessage("search index: " + s.message());
  MutexLock lock(&impl->write_mu);  // no one else has it yet; the analysis wants it held all the same
  try {
    // Opened in the order Commit() writes them.
    impl->pub = std::make_unique<Xapian::WritableDatabase>(dir + "/public", Xapian::DB_CREATE_OR_OPEN);
    impl->all = std::make_unique<Xapian::WritableDatabase>(dir + "/all", Xapian::DB_CREATE_OR_OPEN);
    if (impl->all->get_metadata(kFormatKey) != kIndexFormat) {
      // Empty, or written by an older bevara: derived data of another shape.
      // It starts over empty (with no package versions, so the indexer's
      // catch-up puts every package in again).
      impl->all.reset();
      impl->pub.reset();
      impl->pub = std::make_unique<Xapian::WritableDatabase>(dir + "/public", Xapian::DB_CREATE_OR_OVERWRITE);
      impl->all = std::make_unique<Xapian::WritableDatabase>(dir + "/all", Xapian::DB_CREATE_OR_OVERWRITE);
      impl->all->set_metadata(kFormatKey, kIndexFormat);
      impl->pub->commit();
      impl->all->commit();
    }
    impl->public_facets.Load(*impl->pub);
    impl->all_facets.Load(*impl->all);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  impl->all_readers = std::make_unique<ReaderPool>(dir + "/all", &impl->generation);
  impl->public_readers = std::make_unique<ReaderPool>(dir + "/public", &impl->generation);
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

Status SearchIndex::Compact(Env* env, const std::string& from, const std::string& to) {
  if (env->Lstat(to).ok()) return Status::InvalidArgument("search index: " + to + " exists");
  if (Status s = CreateDirs(env, to); !s.ok()) return s.WithMessage("search index: " + s.message());
  try {
    for (const char* db : {"public", "all"}) Xapian::Database(from + "/" + db).compact(to + "/" + db);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Status SearchIndex::Put(const IndexedRecord& record, const std::string& today) {
  MutexLock lock(&impl_->write_mu);
  const std::string id_term = kPrefixId + record.id;
  try {
    const Xapian::Document archive_doc = ToDocument(record, Audience::kArchive);
    impl_->all_facets.Set(impl_->all->replace_document(id_term, archive_doc), archive_doc.get_value(kSlotFacets));
    if (VisibleOn(record, today)) {
      const Xapian::Document public_doc = ToDocument(record, Audience::kPublic);
      impl_->public_facets.Set(impl_->pub->replace_document(id_term, public_doc), public_doc.get_value(kSlotFacets));
    } else {
      impl_->pub->delete_document(id_term);
    }
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Status SearchIndex::DeletePackage(const std::string& package_id) {
  MutexLock lock(&impl_->write_mu);
  const std::string term = PackageTerm(package_id);
  try {
    impl_->pub->delete_document(term);
    impl_->all->delete_document(term);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Status SearchIndex::Withdraw(const std::string& published_by) {
  if (published_by.empty()) return Status::InvalidArgument("withdraw what?");
  MutexLock lock(&impl_->write_mu);
  try {
    impl_->pub->delete_document(std::string(kPrefixPublishedBy) + published_by);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Result<uint32_t> SearchIndex::IndexedVersion(const std::string& package_id) {
  MutexLock lock(&impl_->write_mu);
  try {
    std::string v = impl_->all->get_metadata(kVersionKeyPrefix + package_id);
    return v.empty() ? 0u : static_cast<uint32_t>(std::stoul(v));
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  } catch (const std::exception&) {
    return 0u;
  }
}

Status SearchIndex::SetIndexedVersion(const std::string& package_id, uint32_t version) {
  MutexLock lock(&impl_->write_mu);
  try {
    impl_->all->set_metadata(kVersionKeyPrefix + package_id, std::to_string(version));
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Result<std::vector<std::string>> SearchIndex::PackagesBecomingVisible(const std::string& today) {
  MutexLock lock(&impl_->write_mu);
  std::vector<std::string> packages;
  try {
    std::string last = impl_->all->get_metadata(kPromotedThrough);
    // Never promoted: every record was put on one of the days since the
    // index was made, and Put placed those visible on that day.
    if (last.empty() || last >= today) return packages;
    const std::string from = last + std::string(1, '\0');  // a NUL sorts right after `last`
    Xapian::Enquire enquire(*impl_->all);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSlotVisibleFrom, from, today));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::MSet mset = enquire.get_mset(0, impl_->all->get_doccount());
    std::set<std::string> seen;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const std::string data = it.get_document().get_data();
      auto stored = ParseStoredRecord(data);
      if (!stored || stored->package_id.empty()) continue;
      const std::string package(stored->package_id);
      if (seen.insert(package).second) packages.push_back(package);
    }
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return packages;
}

Status SearchIndex::SetPromotedThrough(const std::string& today) {
  MutexLock lock(&impl_->write_mu);
  try {
    impl_->all->set_metadata(kPromotedThrough, today);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Status SearchIndex::Commit() {
  MutexLock lock(&impl_->write_mu);
  try {
    impl_->pub->commit();
    impl_->all->commit();
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  impl_->generation.fetch_add(1);
  return Status::OK();
}

}  // namespace bevara::search

namespace bevara::search {

Result<SearchResult> SearchIndex::Search(const SearchQuery& sq, Audience audience) {
  return WithReader(impl_->Pool(audience), [&](Xapian::Database& db) -> Result<SearchResult> {
    const Xapian::Query query = BuildQuery(sq, audience, db);
    const MatchPage page{sq.offset, std::min(sq.limit, kMaxLimit), sq.text.empty()};
    Xapian::Enquire probe(db);
    probe.set_query(query);
    // Only the estimate: no document is read.
    const Xapian::doccount estimate = probe.get_mset(0, 0).get_matches_estimated();

    SearchResult result;
    FacetCounter facets(1, impl_->Facets(audience));
    Xapian::MSet mset;
    if (estimate <= kExactUpTo) {
      mset = Match(db, query, page, kExactUpTo, &facets);
      result.exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
      result.total = mset.get_matches_estimated();
    } else {
      mset = MatchSampled(db, query, estimate, page, &facets);
      result.exact = false;
      result.sampled = true;
      result.total = std::max<uint64_t>(estimate, mset.get_matches_lower_bound());
    }
    AddHits(mset, query, sq.text, &result);
    result.facets = FacetCounts(facets, audience, result.total, result.exact);
    return result;
  });
}

Result<std::optional<nlohmann::json>> SearchIndex::Find(const std::string& id, Audience audience) {
  return WithReader(impl_->Pool(audience), [&](Xapian::Database& db) -> Result<std::optional<nlohmann::json>> {
    Xapian::PostingIterator p = db.postlist_begin(kPrefixId + id);
    if (id.empty() || p == db.postlist_end(kPrefixId + id)) return std::optional<nlohmann::json>();
    return std::optional<nlohmann::json>(SummaryOf(db.get_document(*p)));
  });
}

Result<uint64_t> SearchIndex::Count(Audience audience) {
  return WithReader(impl_->Pool(audience), [&](Xapian::Database& db) -> Result<uint64_t> {
    return static_cast<uint64_t>(db.get_doccount());
  });
}

}  // namespace bevara::search
