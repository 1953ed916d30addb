#include "src/services/index_worker.h"

#include <chrono>

namespace bevara::services {
namespace {

constexpr auto kDayCheckInterval = std::chrono::seconds(30);

void Report(Env* env, const char* what, const std::string& subject, const Status& s) {
  if (!s.ok()) env->Log(LogLevel::kError, std::string("search index: ") + what + " " + subject + ": " + s.ToString());
}

// Runs one step of the worker; an exception that escapes it (a bug) is a
// failed step and a log line, never the end of the thread or the server.
Status Guarded(const std::function<Status()>& step) {
  try {
    return step();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("an exception escaped (a bug): ") + e.what());
  } catch (...) {
    return Status::Internal("an exception escaped (a bug), not a std::exception");
  }
}

}  // namespace

IndexWorker::IndexWorker(Env* env, Indexer* indexer, std::function<std::string()> today)
    : env_(env), indexer_(indexer), today_(std::move(today)) {}

IndexWorker::~IndexWorker() { Stop(); }

void IndexWorker::Start() { thread_ = std::thread([this] { Run(); }); }

void IndexWorker::Enqueue(const std::string& package_id) {
  MutexLock lock(&mu_);
  queue_.push_back(package_id);
  cv_.Signal();
}

void IndexWorker::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    cv_.Signal();
  }
  if (thread_.joinable()) thread_.join();
}

bool IndexWorker::caught_up() const {
  MutexLock lock(&mu_);
  return caught_up_;
}

void IndexWorker::Run() {
  std::string day = today_();
  Status s = Guarded([&] {
    return indexer_->CatchUp(day, [this](const IndexProgress&) {
      MutexLock lock(&mu_);
      return !stop_;
    });
  });
  Report(env_, "catching up", "with the archive", s);
  {
    MutexLock lock(&mu_);
    caught_up_ = true;
  }
  for (;;) {
    std::string package;
    {
      MutexLock lock(&mu_);
      if (!stop_ && queue_.empty()) cv_.WaitFor(&mu_, kDayCheckInterval);
      if (stop_) return;
      if (!queue_.empty()) {
        package = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    const std::string now = today_();
    if (now != day) {
      day = now;
      Report(env_, "moving records whose secrecy ended on", day, Guarded([&] { return indexer_->Promote(day); }));
    }
    if (!package.empty()) {
      Report(env_, "indexing package", package, Guarded([&] { return indexer_->Refresh(package, day); }));
    }
  }
}

}  // namespace bevara::services
