#include "src/server/client_address.h"

#include <Poco/Net/IPAddress.h>

#include <vector>

namespace bevara::server {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return std::string();
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> SplitCommas(const std::string& list) {
  std::vector<std::string> items;
  size_t begin = 0;
  for (;;) {
    const size_t comma = list.find(',', begin);
    items.push_back(Trim(list.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin)));
    if (comma == std::string::npos) return items;
    begin = comma + 1;
  }
}

// The address in its canonical form, or empty when `s` is not one.
std::string Canonical(const std::string& s) {
  Poco::Net::IPAddress address;
  return Poco::Net::IPAddress::tryParse(s, address) ? address.toString() : std::string();
}

}  // namespace

std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::set<std::string>& trusted_proxies) {
  if (forwarded_for.empty() || trusted_proxies.count(peer) == 0) return peer;
  const std::vector<std::string> hops = SplitCommas(forwarded_for);
  std::string client;
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    client = Canonical(*hop);
    if (client.empty()) return peer;
    if (trusted_proxies.count(client) == 0) return client;
  }
  return client;  // every hop a trusted proxy: the first of them
}

bool ParseAddressList(const std::string& list, std::set<std::string>* out, std::string* error) {
  out->clear();
  if (Trim(list).empty()) return true;
  for (const std::string& item : SplitCommas(list)) {
    const std::string address = Canonical(item);
    if (address.empty()) {
      *error = "'" + item + "' is not an IP address";
      return false;
    }
    out->insert(address);
  }
  return true;
}

}  // namespace bevara::server
