// FacetTable: every document's packed facet value (kSlotFacets) in memory,
// so that counting the facets of a search costs no block read per match.
// Internal to src/search.
//
// Reading a match's value from the index cost about 2 microseconds (an 8 KB
// block copied out of the page cache for a few dozen bytes): a sixth of the
// CPU of the benchmark's searches. The table holds 4 bytes per document id
// plus each distinct combination of facet values once (a million records of
// the benchmark corpus: 4 MB and 56,000 combinations).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <xapian.h>

namespace bevara::search {

// Thread-safety: one writer (Load, Set; the caller serialises them) and any
// number of concurrent readers (Find, Packed), without locks: entries are
// published with release stores and never move once written.
class FacetTable {
 public:
  FacetTable();
  ~FacetTable();
  FacetTable(const FacetTable&) = delete;
  FacetTable& operator=(const FacetTable&) = delete;

  // Puts in the facet value of every document of `db` (one pass over the
  // value stream: about 120 ms for 800,000 documents).
  void Load(const Xapian::Database& db);

  // Records that document `did` now has facet value `packed`. A reader of an
  // older revision of the index may see the newer value: a document id
  // always belongs to the same record (Xapian reuses an id only for the
  // same unique term), so at worst a count uses the record's newest facets.
  void Set(Xapian::docid did, const std::string& packed);

  // The id of document `did`'s facet value, 0 when the table has none.
  uint32_t Find(Xapian::docid did) const;

  // The facet value of an id that Find returned.
  // REQUIRES: id != 0 and returned by Find.
  const std::string& Packed(uint32_t id) const;

 private:
  // Fixed-size chunks reached through a fixed directory: a chunk, once
  // allocated, never moves, so readers need no lock while the writer grows.
  // Document ids fill 2^16 chunks of 2^16; distinct values, 2^12 chunks of
  // 2^12 (past 16.7 million, a value is not kept and its documents' values
  // are read from the index).
  static constexpr uint32_t kIdChunkBits = 16;
  static constexpr uint32_t kIdDirectorySize = 1u << (32 - kIdChunkBits);
  static constexpr uint32_t kValueChunkBits = 12;
  static constexpr uint32_t kValueDirectorySize = 1u << 12;
  struct IdChunk;
  struct ValueChunk;

  // The id of `packed`, added when new; 0 when the table is full.
  uint32_t Intern(const std::string& packed);

  std::unique_ptr<std::atomic<IdChunk*>[]> ids_;        // document id -> value id
  std::unique_ptr<std::atomic<ValueChunk*>[]> values_;  // value id - 1 -> packed value
  std::unordered_map<std::string, uint32_t> interned_;  // writer only
};

}  // namespace bevara::search
