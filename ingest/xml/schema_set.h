// SchemaSet: bevara's own XML schemas, compiled once into a locked grammar
// pool that every validating parse shares.
//
// The schemas come from schemas/*.xsd, embedded in the binary at build time.
// The E-ARK extension schemas are loaded under both spellings of their
// namespace (https://DILCIS.eu/... and https://dilcis.eu/...), because real
// packages use both.
//
// Thread-safety: immutable after Load(); share it freely between threads.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "src/common/result.h"

namespace xercesc_3_2 { class XMLGrammarPool; }

namespace bevara::ingest {

class SchemaSet {
 public:
  // Loads and locks every embedded schema. Costs tens of milliseconds: load
  // once per process and keep it (Shared() does that).
  static Result<std::shared_ptr<const SchemaSet>> Load();
  // The process-wide instance, loaded on first use.
  static Result<std::shared_ptr<const SchemaSet>> Shared();

  ~SchemaSet();

  xercesc_3_2::XMLGrammarPool* pool() const { return pool_.get(); }
  // True when a grammar for this target namespace is in the pool.
  bool HasNamespace(const std::string& ns) const { return namespaces_.count(ns) > 0; }
  const std::set<std::string>& namespaces() const { return namespaces_; }

 private:
  SchemaSet();
  std::unique_ptr<xercesc_3_2::XMLGrammarPool> pool_;
  std::set<std::string> namespaces_;
};

}  // namespace bevara::ingest
