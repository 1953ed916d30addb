// IndexWorker: the server's one background thread for the search index.
// At start it catches the index up with the archive (packages ingested
// while the server was down, or by `bevara ingest`); then it indexes each
// package a deposit archives, and at each new (UTC) day moves the records
// whose secrecy ended into public view.
//
// Thread-safety: Enqueue and Stop may be called from any thread.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "src/common/mutex.h"
#include "src/services/indexer.h"

namespace bevara::services {

class IndexWorker {
 public:
  // `today` gives the current date as YYYY-MM-DD (a parameter so that tests
  // can move the calendar).
  IndexWorker(Env* env, Indexer* indexer, std::function<std::string()> today);
  ~IndexWorker();  // Stop()s

  void Start();
  // Indexes `package_id` (its head) soon, off the caller's thread.
  void Enqueue(const std::string& package_id);
  // Finishes the package in hand and returns; queued ones wait for the next
  // start's catch-up.
  void Stop();
  // True once the start-up catch-up has finished (for /health and tests).
  bool caught_up() const;

 private:
  void Run();

  Env* env_;  // the operator's log
  Indexer* indexer_;
  std::function<std::string()> today_;
  mutable Mutex mu_;
  CondVar cv_;
  std::deque<std::string> queue_ GUARDED_BY(mu_);
  bool stop_ GUARDED_BY(mu_) = false;
  bool caught_up_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace bevara::services
