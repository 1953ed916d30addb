// PublicationCheck: the last word before anything is shown to the public.
// The public index says which records were published when they were
// indexed; this asks, at the moment of answering, whether that is still
// so: the package's head is the version the index holds (while a new
// version waits to be indexed, none of its records is public), and what
// published the record (an archivist's decision bound to these files, or an
// active publication rule) still stands. Map lookups and one catalog read:
// cheap enough for every hit of every answer.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "src/access/access_decisions.h"
#include "src/access/publication_rules.h"
#include "storage/archive/archive.h"

namespace bevara::services {

// What the index stored of a published record (search/record_document.h).
struct PublicationProof {
  std::string package_id, record_id, published_by;
  uint32_t version = 0;
  std::map<std::string, std::string> digests;  // path -> SHA-256
};

// nullopt when `json` is not a proof.
std::optional<PublicationProof> ParsePublicationProof(std::string_view json);

class PublicationCheck {
 public:
  // `rules` may be null (then nothing published by a rule passes).
  PublicationCheck(storage::Archive* archive, access::AccessDecisions* decisions, access::PublicationRules* rules)
      : archive_(archive), decisions_(decisions), rules_(rules) {}

  // Whether the record is published now. A failed catalog read says no.
  bool StillPublished(const PublicationProof& proof);
  bool StillPublished(std::string_view proof_json);

 private:
  storage::Archive* archive_;
  access::AccessDecisions* decisions_;
  access::PublicationRules* rules_;
};

}  // namespace bevara::services
