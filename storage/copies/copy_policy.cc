#include "storage/copies/copy_policy.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "src/common/units.h"

namespace bevara::storage {
namespace {

const std::set<std::string>& LocalKeys() {
  static const std::set<std::string> keys = {"type", "acknowledge", "acknowledge_wait", "audit_period_days",
                                             "audit_max_bytes_per_second"};
  return keys;
}

const std::set<std::string>& RemoteKeys() {
  static const std::set<std::string> keys = {
      "type", "endpoint", "bucket", "region", "addressing", "access_key_id", "secret_access_key", "access_key_id_env",
      "secret_access_key_env", "acknowledge", "audit_period_days", "audit_max_bytes_per_second", "object_lock_days",
      "part_size"};
  return keys;
}

bool IsCopyName(const std::string& name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool ParseInt(const std::string& text, int min, int max, int* out) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) return false;
  *out = v;
  return true;
}

// One copy's settings, "key" -> setting.
Status ParseCopy(const std::string& name, const std::map<std::string, CopySetting>& keys,
                 const std::function<const char*(const char*)>& getenv, CopySpec* copy) {
  auto bad = [&](const std::string& key, const std::string& why) {
    auto it = keys.find(key);
    const std::string where = it == keys.end() || it->second.where.empty() ? "" : " (" + it->second.where + ")";
    return Status::InvalidArgument("copy." + name + "." + key + where + ": " + why);
  };
  auto get = [&](const std::string& key) -> std::string {
    auto it = keys.find(key);
    return it == keys.end() ? "" : it->second.value;
  };
  copy->name = name;
  copy->local = name == "local";
  const std::string type = get("type");
  if (copy->local && !type.empty() && type != "local") return bad("type", "the copy named local is the data directory's store");
  if (!copy->local && type != "s3") return bad("type", type.empty() ? "is missing (s3)" : "must be s3");
  const auto& known = copy->local ? LocalKeys() : RemoteKeys();
  for (const auto& [key, setting] : keys) {
    if (!known.count(key)) return bad(key, "is not a key of a " + std::string(copy->local ? "local" : "s3") + " copy");
  }
  if (const std::string a = get("acknowledge"); !a.empty()) {
    if (a != "local" && a != "all") return bad("acknowledge", "must be local or all");
    copy->acknowledge = a == "all";
  }
  if (keys.count("audit_period_days") && !ParseInt(get("audit_period_days"), 1, 3650, &copy->audit_period_days)) {
    return bad("audit_period_days", "must be a whole number of days, 1..3650");
  }
  if (keys.count("audit_max_bytes_per_second")) {
    auto rate = ParseSize(get("audit_max_bytes_per_second"));
    if (!rate) return bad("audit_max_bytes_per_second", "must be a size per second, e.g. 20MiB (0: no limit)");
    copy->audit_max_bytes_per_second = *rate;
  }
  if (copy->local) return Status::OK();

  S3Settings& s3 = copy->s3;
  s3.endpoint = get("endpoint");
  s3.bucket = get("bucket");
  if (keys.count("region")) s3.region = get("region");
  const std::string addressing = get("addressing");
  if (!addressing.empty() && addressing != "path" && addressing != "virtual") return bad("addressing", "must be path or virtual");
  s3.virtual_host = addressing == "virtual";
  for (const auto& [key, target] : {std::pair{std::string("access_key_id"), &s3.access_key_id},
                                    std::pair{std::string("secret_access_key"), &s3.secret_access_key}}) {
    const bool direct = keys.count(key) > 0, env = keys.count(key + "_env") > 0;
    if (direct == env) return bad(key, direct ? "is given both here and by " + key + "_env" : "is missing (or " + key + "_env)");
    if (direct) {
      *target = get(key);
    } else {
      const std::string variable = get(key + "_env");
      const char* value = getenv(variable.c_str());
      if (!value || !*value) return bad(key + "_env", "the environment variable " + variable + " is not set");
      *target = value;
    }
  }
  if (keys.count("object_lock_days") && !ParseInt(get("object_lock_days"), 0, 36500, &s3.object_lock_days)) {
    return bad("object_lock_days", "must be a whole number of days, 0..36500");
  }
  if (keys.count("part_size")) {
    auto part = ParseSize(get("part_size"));
    if (!part) return bad("part_size", "must be a size, e.g. 16MiB");
    s3.part_bytes = *part;
  }
  if (Status s = s3.Check(); !s.ok()) {
    // Check's messages name the setting, never a value.
    return Status::InvalidArgument("copy." + name + ": " + s.message());
  }
  return Status::OK();
}

}  // namespace

const CopySpec* CopyPolicy::Find(const std::string& name) const {
  for (const CopySpec& c : copies) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> CopyPolicy::AcknowledgedBy() const {
  std::vector<std::string> out;
  for (const CopySpec& c : copies) {
    if (!c.local && (c.acknowledge || local().acknowledge)) out.push_back(c.name);
  }
  return out;
}

CopyPolicy LocalOnlyPolicy() {
  CopyPolicy p;
  CopySpec local;
  local.name = "local";
  local.local = true;
  p.copies.push_back(local);
  return p;
}

Result<CopyPolicy> ParseCopyPolicy(const std::map<std::string, CopySetting>& settings,
                                   const std::function<const char*(const char*)>& getenv) {
  std::map<std::string, std::map<std::string, CopySetting>> sections;
  for (const auto& [name, setting] : settings) {
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      return Status::InvalidArgument("copy." + name + ": a copy's settings go in a section of its own, [copy.NAME]");
    }
    const std::string copy = name.substr(0, dot);
    if (!IsCopyName(copy)) {
      return Status::InvalidArgument("copy." + copy + ": a copy's name is 1 to 32 of a-z, 0-9, '-' and '_'");
    }
    sections[copy][name.substr(dot + 1)] = setting;
  }
  CopyPolicy policy = LocalOnlyPolicy();
  if (auto local = sections.find("local"); local != sections.end()) {
    BEVARA_RETURN_IF_ERROR(ParseCopy("local", local->second, getenv, &policy.copies[0]));
    if (auto wait = local->second.find("acknowledge_wait"); wait != local->second.end()) {
      auto seconds = ParseDuration(wait->second.value);
      if (!seconds || *seconds < 1 || *seconds > 86400) {
        return Status::InvalidArgument("copy.local.acknowledge_wait: must be a duration from 1s to 24h, e.g. 10min");
      }
      policy.acknowledge_wait_seconds = *seconds;
    }
  }
  std::set<std::string> buckets;
  for (const auto& [name, keys] : sections) {
    if (name == "local") continue;
    CopySpec copy;
    BEVARA_RETURN_IF_ERROR(ParseCopy(name, keys, getenv, &copy));
    if (!buckets.insert(copy.s3.endpoint + " " + copy.s3.bucket).second) {
      return Status::InvalidArgument("copy." + name + ": the same bucket as another copy (two copies in one place are one copy)");
    }
    policy.copies.push_back(std::move(copy));
  }
  return policy;
}

}  // namespace bevara::storage
