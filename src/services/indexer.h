// Indexer: keeps the search index (search/search_index.h) in step with the
// archive. It reads each package's case from its AIP (CaseService), the
// text of the records' files from the store, decides when each record may
// be shown to the public, and puts the records into the index.
//
// When the public may see a record (IndexedRecord::visible_from): only
// when it is published (services/record_state.h), by an archivist's
// decision bound to its files or by a publication rule over a record that
// is public by everything else, and then only if
//   * no personal identity number stands in its title, case, parties, file
//     names, text, or anywhere in the raw bytes of its files, and
//   * (for a rule) bevara read every file whole with an extractor it trusts.
// Otherwise it is never in the public index, and the reason is kept for
// the archivists' review queue.
//
// Thread-safety: safe for concurrent use. One package is indexed at a time:
// reading its case (and the archivists' decisions) and putting its records
// happen under one lock, so an indexing that began before a decision can
// never overwrite the refresh that follows it.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ingest/xml/schema_set.h"
#include "src/access/publication_rules.h"
#include "src/common/mutex.h"
#include "src/common/result.h"
#include "src/search/search_index.h"
#include "src/search/text_extract.h"
#include "src/services/case_service.h"
#include "storage/archive/archive.h"

namespace bevara::services {

struct IndexProgress {
  uint64_t packages_done = 0, packages_total = 0;
  uint64_t records = 0;
  uint64_t text_notes = 0;  // files whose text is missing or partial
};
// Returns false to stop (what is indexed so far is committed).
using IndexProgressFn = std::function<bool(const IndexProgress&)>;

class Indexer {
 public:
  // `rules` (may be null: then only decisions publish) outlives the indexer.
  Indexer(storage::Archive* archive, CaseService* cases, search::SearchIndex* index,
          std::shared_ptr<const ingest::SchemaSet> schemas, search::ExtractLimits limits = {},
          access::PublicationRules* rules = nullptr)
      : archive_(archive), cases_(cases), index_(index), schemas_(std::move(schemas)), limits_(limits), rules_(rules) {}

  // Replaces what the index holds of `package_id` with its head version.
  // Does not commit. Adds the package's records and notes to `progress`.
  Status IndexPackage(const std::string& package_id, const std::string& today, IndexProgress* progress = nullptr);

  // Indexes every package whose head the index does not hold yet (all of
  // them, for a fresh index), promotes, and commits — every few thousand
  // records on the way, so an interrupted run resumes where it stopped.
  // `progress` (may be empty) is called after each package.
  Status CatchUp(const std::string& today, const IndexProgressFn& progress = {});

  // Moves the records whose secrecy ended by `today` into public view, and
  // commits.
  Status Promote(const std::string& today);

  // Indexes `package_id` again and commits: an archivist's decision shows
  // in search before the decision is answered. Until a failed refresh is
  // made good by a later successful one, the public index may still show
  // what the decision hid, and public_index_trusted() says so (the public
  // search then refuses to answer rather than risk it).
  Status Refresh(const std::string& package_id, const std::string& today);
  bool public_index_trusted() const;

 private:
  // What reading a record's files showed.
  struct FileEvidence {
    std::vector<std::string> unread;  // files not read whole by a trusted extractor
    std::string number_in;            // where raw bytes held an identity number
    std::string damaged;              // a file that could not be read to its end
  };
  void Candidate(const CaseRecordView& rv, search::IndexedRecord* r);
  void CheckCandidate(const ingest::CaseMetadata& c, const FileEvidence& evidence, search::IndexedRecord* r);
  Status AddText(const std::string& package_id, uint32_t version, const std::string& path,
                 search::IndexedRecord* record, IndexProgress* progress, FileEvidence* evidence);

  Status IndexPackageLocked(const std::string& package_id, const std::string& today, IndexProgress* progress)
      REQUIRES(mu_);

  Mutex mu_;  // one package at a time
  mutable Mutex stale_mu_;
  std::set<std::string> stale_ GUARDED_BY(stale_mu_);  // packages whose refresh failed
  storage::Archive* archive_;
  CaseService* cases_;
  search::SearchIndex* index_;
  std::shared_ptr<const ingest::SchemaSet> schemas_;
  search::ExtractLimits limits_;
  access::PublicationRules* rules_;
};

}  // namespace bevara::services
