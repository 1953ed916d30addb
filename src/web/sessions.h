// Sessions of people logged in to the web interface, and the brake on
// guessing their passwords.
//
// A session is a random 256-bit secret in an HttpOnly, SameSite=Strict
// cookie (Secure over TLS); the server keeps only its SHA-256, with the
// user, the role, a CSRF token for the session's forms and the time of its
// last use. A session ends at logout, after `idle_seconds` without a
// request, when the user is disabled, and when the server stops (sessions
// live in memory: a restart logs everyone out, which is safe).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "src/access/principal.h"
#include "src/access/user_store.h"
#include "src/common/env.h"
#include "src/common/mutex.h"

namespace bevara::web {

struct SessionInfo {
  std::string user;
  access::Role role = access::Role::kAnonymous;
  std::string csrf;  // to be sent back with every form of the session
};

class Sessions {
 public:
  // REQUIRES: env and users outlive the sessions.
  Sessions(Env* env, access::UserStore* users, int64_t idle_seconds) : env_(env), users_(users), idle_(idle_seconds) {}

  // A new session for `user`; returns the cookie's secret.
  std::string Start(const access::UserInfo& user);
  // The session of `secret` if it is alive (and marks it used now).
  std::optional<SessionInfo> Find(const std::string& secret);
  void End(const std::string& secret);

 private:
  struct Entry {
    SessionInfo info;
    int64_t last_used_us = 0;
  };
  void DropIdleLocked(int64_t now_us) REQUIRES(mu_);

  Env* env_;
  access::UserStore* users_;
  const int64_t idle_;
  Mutex mu_;
  std::map<std::string, Entry> by_hash_ GUARDED_BY(mu_);
  int64_t last_sweep_us_ GUARDED_BY(mu_) = 0;
};

// Failed logins, counted per client address and per user name: after
// `max_failures` within `window_seconds`, further attempts are refused
// until the window has passed since the last failure.
class LoginThrottle {
 public:
  LoginThrottle(Env* env, int max_failures, int64_t window_seconds)
      : env_(env), max_(max_failures), window_us_(window_seconds * 1000000) {}
  // Seconds until `key` may try again (0: now).
  int64_t WaitFor(const std::string& key);
  void Failed(const std::string& key);
  void Succeeded(const std::string& key);

 private:
  struct Count {
    int failures = 0;
    int64_t last_us = 0;
  };
  Env* env_;
  const int max_;
  const int64_t window_us_;
  Mutex mu_;
  std::map<std::string, Count> counts_ GUARDED_BY(mu_);
};

}  // namespace bevara::web
