// SearchIndex: the full-text index over records, in Xapian, with Swedish
// stemming. Derived data: `bevara reindex` builds it again from the archive
// (services/indexer.h).
//
// Two databases under one directory:
//   all/     every record, for archivists
//   public/  only the records the public may see today, with personal
//            identity numbers masked in their text and fields
// Keeping the public's records apart is what makes the secrecy guarantee
// simple: a public search cannot count, rank by or quote what its database
// does not hold. Records whose secrecy ends move into public/ on their day
// (the indexer's Promote), and an archivist's decision moves a record at once (Put).
//
// Thread-safety: all methods may be called concurrently. Writes are
// serialised; searches run in parallel on pooled read-only handles and see
// the state of the last Commit().
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/env.h"
#include "src/common/result.h"
#include "src/search/indexed_record.h"
#include "src/search/search_query.h"

namespace bevara::search {

class SearchIndex {
 public:
  // Opens (creating if needed) the index in `dir` and takes its writer
  // lock: Busy when another process (a running server) holds it. An index
  // written in another format (an older bevara) is emptied, to be filled
  // again by the indexer's catch-up or `bevara reindex`.
  static Result<std::unique_ptr<SearchIndex>> Open(Env* env, const std::string& dir);
  ~SearchIndex();

  // Writes a compacted copy of the closed index in `from` to `to` (which
  // must not exist): full blocks, shallower trees, no free space. A fresh
  // index of a million records shrank from 5.9 to 4.3 GB (public/) and
  // answered in 0.8x the time. REQUIRES: nobody writes `from` meanwhile.
  static Status Compact(Env* env, const std::string& from, const std::string& to);

  // Adds or replaces `record` (by id) in all/, and in public/ exactly when
  // it is visible on `today`. Not searchable before Commit().
  Status Put(const IndexedRecord& record, const std::string& today);
  // Removes every record of a package (before indexing its new head).
  Status DeletePackage(const std::string& package_id);
  // Takes out of public/ every record that `published_by` (a publication
  // rule's id) published: a revoked rule's records leave every total and
  // facet at the next Commit(), not when the packages are indexed again.
  Status Withdraw(const std::string& published_by);
  // The package version last indexed (0: none), kept in the index itself.
  Result<uint32_t> IndexedVersion(const std::string& package_id);
  Status SetIndexedVersion(const std::string& package_id, uint32_t version);
  // The packages holding records that become visible after the day last
  // given to SetPromotedThrough, up to and including `today`: the indexer
  // puts them again (with their full text) to move those records into
  // public/, then calls SetPromotedThrough(today).
  Result<std::vector<std::string>> PackagesBecomingVisible(const std::string& today);
  Status SetPromotedThrough(const std::string& today);
  // Makes the writes durable (fsynced by Xapian) and visible to searches.
  // public/ is committed first, so a crash never leaves all/ saying a
  // package is indexed while public/ lacks it.
  Status Commit();

  Result<SearchResult> Search(const SearchQuery& query, Audience audience);
  // The summary of one record, nullopt when `audience` may not see it.
  Result<std::optional<nlohmann::json>> Find(const std::string& id, Audience audience);
  Result<uint64_t> Count(Audience audience);

 private:
  struct Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bevara::search
