#include "src/search/facet_table.h"

#include "src/search/record_document.h"

namespace bevara::search {

struct FacetTable::IdChunk {
  std::atomic<uint32_t> ids[1u << kIdChunkBits] = {};
};

struct FacetTable::ValueChunk {
  std::string values[1u << kValueChunkBits];
};

FacetTable::FacetTable()
    : ids_(new std::atomic<IdChunk*>[kIdDirectorySize]()),
      values_(new std::atomic<ValueChunk*>[kValueDirectorySize]()) {}

FacetTable::~FacetTable() {
  for (uint32_t i = 0; i < kIdDirectorySize; ++i) delete ids_[i].load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < kValueDirectorySize; ++i) delete values_[i].load(std::memory_order_relaxed);
}

void FacetTable::Load(const Xapian::Database& db) {
  for (auto v = db.valuestream_begin(kSlotFacets); v != db.valuestream_end(kSlotFacets); ++v) {
    Set(v.get_docid(), *v);
  }
}

uint32_t FacetTable::Intern(const std::string& packed) {
  if (auto it = interned_.find(packed); it != interned_.end()) return it->second;
  const uint32_t index = static_cast<uint32_t>(interned_.size());
  if (index >= kValueDirectorySize << kValueChunkBits) return 0;
  std::atomic<ValueChunk*>& slot = values_[index >> kValueChunkBits];
  ValueChunk* chunk = slot.load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new ValueChunk;
    slot.store(chunk, std::memory_order_release);
  }
  // Readers reach it only through an id that Set publishes afterwards.
  chunk->values[index & ((1u << kValueChunkBits) - 1)] = packed;
  interned_.emplace(packed, index + 1);
  return index + 1;
}

void FacetTable::Set(Xapian::docid did, const std::string& packed) {
  const uint32_t value_id = Intern(packed);
  std::atomic<IdChunk*>& slot = ids_[did >> kIdChunkBits];
  IdChunk* chunk = slot.load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new IdChunk;
    slot.store(chunk, std::memory_order_release);
  }
  chunk->ids[did & ((1u << kIdChunkBits) - 1)].store(value_id, std::memory_order_release);
}

uint32_t FacetTable::Find(Xapian::docid did) const {
  const IdChunk* chunk = ids_[did >> kIdChunkBits].load(std::memory_order_acquire);
  return chunk == nullptr ? 0 : chunk->ids[did & ((1u << kIdChunkBits) - 1)].load(std::memory_order_acquire);
}

const std::string& FacetTable::Packed(uint32_t id) const {
  const uint32_t index = id - 1;
  return values_[index >> kValueChunkBits].load(std::memory_order_acquire)->values[index & ((1u << kValueChunkBits) - 1)];
}

}  // namespace bevara::search
