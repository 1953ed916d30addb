#include "search/search_index.h"

#include <xapian.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <vector>

#include "search/record_document.h"

namespace bevara::search {
namespace {

constexpr const char* kPromotedThrough = "promoted-through";
constexpr const char* kVersionKeyPrefix = "version:";
// Totals and facet counts are exact up to this many matches; beyond, the
// facets are counted over the first ones and scaled to the estimated total.
// (Counting facets reads a value of every match from disk: 10,000 matches
// cost a public query about 10 ms, 1,000 about 1.)
constexpr Xapian::doccount kCheckAtLeast = 1000;
constexpr Xapian::termcount kMaxWildcardExpansion = 200;
constexpr uint32_t kMaxLimit = 100;

// Facets reported, by audience.
struct FacetSlot {
  const char* name;
  Xapian::valueno slot;
  bool archive_only;
};
constexpr FacetSlot kFacets[] = {
    {"creator", kSlotCreator, false},          {"classification", kSlotClassification, false},
    {"record_type", kSlotRecordType, false},   {"year", kSlotYear, false},
    {"direction", kSlotDirection, false},      {"access_state", kSlotAccessState, true},
};

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
      std::lock_guard<std::mutex> lock(mu_);
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
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(r));
  }

 private:
  std::string path_;
  const std::atomic<uint64_t>* gen_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Reader>> free_;
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
    Xapian::QueryParser parser;
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
  q = Filter(q, kPrefixPackage, sq.package_id);
  if (audience == Audience::kArchive) q = Filter(q, kPrefixAccessState, sq.access_state);
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

}  // namespace

struct SearchIndex::Impl {
  std::string dir;
  std::mutex write_mu;
  std::unique_ptr<Xapian::WritableDatabase> all, pub;
  std::atomic<uint64_t> generation{0};
  std::unique_ptr<ReaderPool> all_readers, public_readers;

  ReaderPool* Pool(Audience a) { return a == Audience::kPublic ? public_readers.get() : all_readers.get(); }
};

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("search index: cannot create " + dir + ": " + ec.message());
  try {
    // Opened in the order Commit() writes them.
    impl->pub = std::make_unique<Xapian::WritableDatabase>(dir + "/public", Xapian::DB_CREATE_OR_OPEN);
    impl->all = std::make_unique<Xapian::WritableDatabase>(dir + "/all", Xapian::DB_CREATE_OR_OPEN);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  impl->all_readers = std::make_unique<ReaderPool>(dir + "/all", &impl->generation);
  impl->public_readers = std::make_unique<ReaderPool>(dir + "/public", &impl->generation);
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

Status SearchIndex::Put(const IndexedRecord& record, const std::string& today) {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  const std::string id_term = kPrefixId + record.id;
  try {
    impl_->all->replace_document(id_term, ToDocument(record, Audience::kArchive));
    if (VisibleOn(record, today)) {
      impl_->pub->replace_document(id_term, ToDocument(record, Audience::kPublic));
    } else {
      impl_->pub->delete_document(id_term);
    }
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Status SearchIndex::DeletePackage(const std::string& package_id) {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  const std::string term = FilterTerm(kPrefixPackage, package_id);
  try {
    impl_->pub->delete_document(term);
    impl_->all->delete_document(term);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Result<uint32_t> SearchIndex::IndexedVersion(const std::string& package_id) {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
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
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  try {
    impl_->all->set_metadata(kVersionKeyPrefix + package_id, std::to_string(version));
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Result<std::vector<std::string>> SearchIndex::PackagesBecomingVisible(const std::string& today) {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
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
      nlohmann::json summary = SummaryOf(it.get_document(), nullptr);
      std::string package = summary.value("package_id", "");
      if (!package.empty() && seen.insert(package).second) packages.push_back(package);
    }
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return packages;
}

Status SearchIndex::SetPromotedThrough(const std::string& today) {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  try {
    impl_->all->set_metadata(kPromotedThrough, today);
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return Status::OK();
}

Status SearchIndex::Commit() {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
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
    Xapian::Enquire enquire(db);
    enquire.set_query(BuildQuery(sq, audience, db));
    // Without words there is no relevance: newest first.
    if (sq.text.empty()) enquire.set_sort_by_value_then_relevance(kSlotDate, true);
    std::vector<std::pair<const char*, std::unique_ptr<Xapian::ValueCountMatchSpy>>> spies;
    for (const FacetSlot& f : kFacets) {
      if (f.archive_only && audience != Audience::kArchive) continue;
      spies.emplace_back(f.name, std::make_unique<Xapian::ValueCountMatchSpy>(f.slot));
      enquire.add_matchspy(spies.back().second.get());
    }
    const uint32_t limit = std::min(sq.limit, kMaxLimit);
    Xapian::MSet mset = enquire.get_mset(sq.offset, limit, kCheckAtLeast);

    SearchResult result;
    result.exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    result.total = mset.get_matches_estimated();
    const Xapian::Stem stemmer("swedish");
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      std::string text;
      nlohmann::json hit = SummaryOf(it.get_document(), &text);
      hit["snippet"] = mset.snippet(text, 300, stemmer, Xapian::MSet::SNIPPET_BACKGROUND_MODEL, "<mark>", "</mark>", "…");
      result.hits.push_back(std::move(hit));
    }
    for (auto& [name, spy] : spies) {
      std::vector<FacetCount> counts;
      const double scale = result.exact || spy->get_total() == 0
                               ? 1.0
                               : static_cast<double>(result.total) / static_cast<double>(spy->get_total());
      for (auto v = spy->top_values_begin(20); v != spy->top_values_end(20); ++v) {
        if ((*v).empty()) continue;  // records without the field
        counts.push_back({*v, static_cast<uint64_t>(v.get_termfreq() * scale + 0.5)});
      }
      result.facets.emplace_back(name, std::move(counts));
    }
    return result;
  });
}

Result<std::optional<nlohmann::json>> SearchIndex::Find(const std::string& id, Audience audience) {
  return WithReader(impl_->Pool(audience), [&](Xapian::Database& db) -> Result<std::optional<nlohmann::json>> {
    Xapian::PostingIterator p = db.postlist_begin(kPrefixId + id);
    if (id.empty() || p == db.postlist_end(kPrefixId + id)) return std::optional<nlohmann::json>();
    return std::optional<nlohmann::json>(SummaryOf(db.get_document(*p), nullptr));
  });
}

Result<uint64_t> SearchIndex::Count(Audience audience) {
  return WithReader(impl_->Pool(audience), [&](Xapian::Database& db) -> Result<uint64_t> {
    return static_cast<uint64_t>(db.get_doccount());
  });
}

}  // namespace bevara::search
