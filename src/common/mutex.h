// Mutexes the compiler checks: clang's thread-safety analysis
// (-Wthread-safety, on in the sanitized build) proves that every member
// marked GUARDED_BY(mu_) is touched only with mu_ held, and that functions
// marked REQUIRES(mu_) are called only so. std::mutex carries no such
// annotations in libstdc++, hence these thin wrappers.
//
// A lambda is analysed on its own: one that runs with a lock held by its
// caller (a callback) says so with mu.AssertHeld().
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define BEVARA_TSA(x) __attribute__((x))
#else
#define BEVARA_TSA(x)
#endif

#define CAPABILITY(x) BEVARA_TSA(capability(x))
#define SCOPED_CAPABILITY BEVARA_TSA(scoped_lockable)
#define GUARDED_BY(x) BEVARA_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) BEVARA_TSA(pt_guarded_by(x))
#define REQUIRES(...) BEVARA_TSA(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) BEVARA_TSA(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) BEVARA_TSA(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) BEVARA_TSA(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) BEVARA_TSA(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) BEVARA_TSA(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) BEVARA_TSA(release_generic_capability(__VA_ARGS__))
#define EXCLUDES(...) BEVARA_TSA(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) BEVARA_TSA(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS BEVARA_TSA(no_thread_safety_analysis)

namespace bevara {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // Tells the analysis that the caller holds the lock (a callback run under it).
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* mu_;
};

// A condition variable for Mutex. Wait in a loop on the condition:
//   while (!ready_) cv_.Wait(&mu_);
class CondVar {
 public:
  void Wait(Mutex* mu) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held, by the caller
  }
  // False when the time ran out.
  template <typename Rep, typename Period>
  bool WaitFor(Mutex* mu, std::chrono::duration<Rep, Period> d) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    bool woken = cv_.wait_for(lock, d) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

class CAPABILITY("mutex") SharedMutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  void LockShared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void UnlockShared() RELEASE_SHARED() { mu_.unlock_shared(); }
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  std::shared_mutex mu_;
};

class SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~WriterLock() RELEASE() { mu_->Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex* mu_;
};

class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex* mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_->LockShared(); }
  ~ReaderLock() RELEASE_GENERIC() { mu_->UnlockShared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex* mu_;
};

}  // namespace bevara
