// PublicationCheck: the last word before anything is shown to the public.
// The public index says which records were published when they were
// indexed; this asks, at the moment of answering, whether that is still
// so: the package's head is the version the index holds (while a new
// version waits to be indexed, none of its records is public), and what
// published the record still stands: an archivist's decision bound to these
// files, or an active publication rule over a record no archivist has
// decided on. Map lookups and one catalog read:
// cheap enough for every hit of every answer.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "src/access/access_decisions.h"
#include "src/access/publication_rules.h"
#include "src/common/mutex.h"
#include "src/search/search_query.h"
#include "storage/archive/archive.h"

namespace bevara::services {

// What the index stored of a published record (search/search_query.h).
using search::PublicationProof;

class PublicationCheck {
 public:
  // `rules` may be null (then nothing published by a rule passes).
  PublicationCheck(storage::Archive* archive, access::AccessDecisions* decisions, access::PublicationRules* rules)
      : archive_(archive), decisions_(decisions), rules_(rules) {}

  // Whether the record is published now. A failed catalog read says no.
  bool StillPublished(const PublicationProof& proof);
  // The same for an encoded proof (search::EncodeProof); false when malformed.
  bool StillPublished(std::string_view encoded);

 private:
  // The head of `package_id` (0: none), from the cache while the archive's
  // head generation is the one it was filled under. false on a read error.
  bool Head(const std::string& package_id, uint32_t* head);

  storage::Archive* archive_;
  access::AccessDecisions* decisions_;
  access::PublicationRules* rules_;
  static constexpr size_t kMaxCachedHeads = 1 << 20;
  Mutex cache_mu_;
  uint64_t cache_generation_ GUARDED_BY(cache_mu_) = 0;
  std::unordered_map<std::string, uint32_t> heads_ GUARDED_BY(cache_mu_);
};

}  // namespace bevara::services
