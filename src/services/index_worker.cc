#include "src/services/index_worker.h"

#include <chrono>
#include <cstdio>

namespace bevara::services {
namespace {

constexpr auto kDayCheckInterval = std::chrono::seconds(30);

void Report(const char* what, const std::string& subject, const Status& s) {
  if (!s.ok()) std::fprintf(stderr, "bevara: search index: %s %s: %s\n", what, subject.c_str(), s.ToString().c_str());
}

}  // namespace

IndexWorker::IndexWorker(Indexer* indexer, std::function<std::string()> today)
    : indexer_(indexer), today_(std::move(today)) {}

IndexWorker::~IndexWorker() { Stop(); }

void IndexWorker::Start() { thread_ = std::thread([this] { Run(); }); }

void IndexWorker::Enqueue(const std::string& package_id) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(package_id);
  cv_.notify_one();
}

void IndexWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

bool IndexWorker::caught_up() const {
  std::lock_guard<std::mutex> lock(mu_);
  return caught_up_;
}

void IndexWorker::Run() {
  std::string day = today_();
  Status s = indexer_->CatchUp(day, [this](const IndexProgress&) {
    std::lock_guard<std::mutex> lock(mu_);
    return !stop_;
  });
  Report("catching up", "with the archive", s);
  {
    std::lock_guard<std::mutex> lock(mu_);
    caught_up_ = true;
  }
  for (;;) {
    std::string package;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, kDayCheckInterval, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      if (!queue_.empty()) {
        package = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    const std::string now = today_();
    if (now != day) {
      day = now;
      Report("moving records whose secrecy ended on", day, indexer_->Promote(day));
    }
    if (!package.empty()) Report("indexing package", package, indexer_->Refresh(package, day));
  }
}

}  // namespace bevara::services
