// bevara reindex: builds the search index again from the catalog and the
// store (it is derived data), beside the old one, and swaps it in.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "ingest/xml/schema_set.h"
#include "src/access/access_decisions.h"
#include "src/access/publication_rules.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/search/search_index.h"
#include "src/services/case_service.h"
#include "src/services/indexer.h"
#include "storage/archive/archive.h"

namespace bevara::cli {
namespace {

int Fail(const std::string& what) { return cli::Fail("reindex", what); }

// Prints progress at most once a second: in place on a terminal, as lines otherwise.
class ProgressPrinter {
 public:
  bool operator()(const services::IndexProgress& p) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1) && p.packages_done != p.packages_total) return true;
    last_ = now;
    Print(p, isatty(STDERR_FILENO) ? "\r" : "", isatty(STDERR_FILENO) ? "   " : "\n");
    return true;
  }
  void Print(const services::IndexProgress& p, const char* lead, const char* tail) const {
    std::fprintf(stderr, "%s%llu/%llu packages, %llu records, %.0f records/s%s", lead,
                 static_cast<unsigned long long>(p.packages_done), static_cast<unsigned long long>(p.packages_total),
                 static_cast<unsigned long long>(p.records), Rate(p), tail);
  }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  double Rate(const services::IndexProgress& p) const { return Seconds() > 0 ? p.records / Seconds() : 0.0; }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int ReindexCommand(const std::vector<std::string>& argv) {
  CLI::App app("Builds the search index again from the archive: the case metadata and the text of every\n"
               "package's records. The new index replaces DATA/index once complete. Stop the server first (it\n"
               "holds the index); a server that starts on a stale index catches up by itself.",
               "bevara reindex");
  std::string data_option;
  AddDataOption(app, &data_option);
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  const std::string data = DataDir(data_option);
  if (!RequireArchive(data, "reindex")) return 2;
  Env* env = Env::Default();
  auto archive = storage::Archive::Open(env, data);
  if (!archive.ok()) return Fail("cannot open the archive: " + archive.status().ToString());
  auto schemas = ingest::SchemaSet::Shared();
  if (!schemas.ok()) return Fail(schemas.status().ToString());
  auto decisions = access::AccessDecisions::Open(env, data + "/access");
  if (!decisions.ok()) return Fail(decisions.status().ToString());
  auto rules = access::PublicationRules::Open(env, data + "/access");
  if (!rules.ok()) return Fail(rules.status().ToString());

  // Holding the current index's lock keeps a server from starting on it meanwhile.
  const std::string current = data + "/index", fresh = data + "/index.new", old = data + "/index.old";
  auto held = search::SearchIndex::Open(env, current);
  if (!held.ok()) return Fail(held.status().message());
  for (const std::string& leftover : {fresh, old}) {  // of a reindex interrupted earlier
    if (Status s = RemoveTree(env, leftover); !s.ok()) return Fail(s.ToString());
  }
  services::IndexProgress last;
  ProgressPrinter printer;
  {
    auto index = search::SearchIndex::Open(env, fresh);
    if (!index.ok()) return Fail(index.status().ToString());
    services::CaseService cases(archive->get(), *schemas, decisions->get());
    services::Indexer indexer(archive->get(), &cases, index->get(), *schemas, {}, rules->get());
    const std::string today = TodayUtc(env);
    Status s = indexer.CatchUp(today, [&](const services::IndexProgress& p) {
      last = p;
      return printer(p);
    });
    if (isatty(STDERR_FILENO)) std::fputs("\n", stderr);
    if (!s.ok()) return Fail(s.ToString() + " (the old index is unchanged)");
  }
  // A fresh index is compacted once (full blocks: smaller and faster to
  // search); incremental writes after this leave it as Xapian keeps it.
  const std::string compacted = data + "/index.compact";
  if (Status s = RemoveTree(env, compacted); !s.ok()) return Fail(s.ToString());
  if (Status s = search::SearchIndex::Compact(env, fresh, compacted); !s.ok()) {
    (void)RemoveTree(env, compacted);
    (void)RemoveTree(env, fresh);
    return Fail(s.ToString() + " (the old index is unchanged)");
  }
  if (Status s = RemoveTree(env, fresh); !s.ok()) return Fail(s.ToString());
  held->reset();
  Status moved = env->Lstat(current).ok() ? env->RenameNoReplace(current, old) : Status::OK();
  if (moved.ok()) moved = env->RenameNoReplace(compacted, current);
  if (!moved.ok()) return Fail("could not put the new index in place: " + moved.ToString());
  if (Status s = env->SyncDir(data); !s.ok()) return Fail(s.ToString());
  if (Status s = RemoveTree(env, old); !s.ok()) return Fail(s.ToString());
  std::printf("reindexed %llu packages, %llu records in %.1f s (%.0f records/s); %llu files without full text\n",
              static_cast<unsigned long long>(last.packages_done), static_cast<unsigned long long>(last.records),
              printer.Seconds(), printer.Rate(last), static_cast<unsigned long long>(last.text_notes));
  return 0;
}

}  // namespace bevara::cli
