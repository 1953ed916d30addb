// Sessions of people logged in to the web interface, and the brake on
// guessing their passwords.
//
// A session is a random 256-bit secret in an HttpOnly, SameSite=Strict
// cookie (Secure over TLS); the server keeps only its SHA-256, with the
// user, the role, a CSRF token for the session's forms and the time of its
// last use. A session ends at logout, after `idle_seconds` without a
// request, twelve hours after it began whatever its use, when the user is
// disabled or given new credentials (bevara user reset), and when the server
// stops (sessions live in memory: a restart logs everyone out, which is safe).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

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
    std::string credentials;  // UserStore::CredentialsSince at login
    int64_t started_us = 0, last_used_us = 0;
  };
  static constexpr int64_t kMaxLifeUs = 12LL * 3600 * 1000000;
  void DropIdleLocked(int64_t now_us) REQUIRES(mu_);

  Env* env_;
  access::UserStore* users_;
  const int64_t idle_;
  Mutex mu_;
  std::map<std::string, Entry> by_hash_ GUARDED_BY(mu_);
  int64_t last_sweep_us_ GUARDED_BY(mu_) = 0;
};

// The brake on guessing passwords. Each login attempt is reserved before
// the password is hashed, under keys with a limit each (the client address;
// the name from that address), and counts as a failure unless it succeeds:
// parallel guesses cannot slip past the count. There is no limit on a name
// from anywhere: it would let anyone lock a person out, and a guess must hit
// the password and the current one-time code at once. Within
// `window_seconds` of a key's last failure, attempts beyond its limit are
// refused. One login is worked on per address at a time, and at most
// `max_hashing` in all (Argon2id takes 64 MiB and a tenth of a second: a
// flood of logins must not hold every server thread); a login waits up to
// two seconds for a place, then is refused. When the table is
// full of live counts, the oldest are forgotten.
class LoginThrottle {
 public:
  struct Key {
    std::string name;
    int limit = 5;
  };
  LoginThrottle(Env* env, int64_t window_seconds, int max_hashing = 4)
      : env_(env), window_us_(window_seconds * 1000000), max_hashing_(max_hashing) {}
  // 0 when the attempt is reserved under every key; otherwise the seconds
  // to wait, and nothing is reserved.
  int64_t Reserve(const std::vector<Key>& keys);
  // The attempt succeeded: its reservations are given back.
  void Succeeded(const std::vector<Key>& keys);
  // Whether no other login from `address` is being worked on and fewer than
  // max_hashing in all; if so, this one is, until Leave.
  bool Enter(const std::string& address);
  void Leave(const std::string& address);

  // The key of a client address: an IPv6 address by its /64 (one site's
  // network, which a guesser has whole), an IPv4 address as it is.
  static std::string AddressKey(const std::string& address);

 private:
  struct Count {
    int failures = 0;
    int64_t last_us = 0;
  };
  static constexpr size_t kMaxKeys = 100000;
  Env* env_;
  const int64_t window_us_;
  const size_t max_hashing_;
  Mutex mu_;
  std::map<std::string, Count> counts_ GUARDED_BY(mu_);
  std::set<std::string> in_flight_ GUARDED_BY(mu_);
  CondVar freed_;  // a login left
};

}  // namespace bevara::web
