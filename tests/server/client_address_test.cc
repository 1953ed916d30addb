#include "src/server/client_address.h"

#include <gtest/gtest.h>

namespace bevara::server {
namespace {

const std::set<std::string> kProxies = {"10.0.0.1", "10.0.0.2"};

TEST(ClientAddress, ThePeerUnlessItIsATrustedProxy) {
  EXPECT_EQ(ClientAddress("192.0.2.9", "198.51.100.1", kProxies), "192.0.2.9");
  EXPECT_EQ(ClientAddress("10.0.0.1", "", kProxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.1", kProxies), "198.51.100.1");
}

TEST(ClientAddress, TheRightmostHopThatIsNotAProxy) {
  EXPECT_EQ(ClientAddress("10.0.0.1", "203.0.113.5, 198.51.100.1", kProxies), "198.51.100.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.1, 10.0.0.2", kProxies), "198.51.100.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "10.0.0.2", kProxies), "10.0.0.2");
  EXPECT_EQ(ClientAddress("10.0.0.1", " 2001:db8::1 ", kProxies), "2001:db8::1");
}

TEST(ClientAddress, AHeaderThatIsNotAddressesIsIgnored) {
  EXPECT_EQ(ClientAddress("10.0.0.1", "unknown", kProxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.1, ", kProxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.1:443", kProxies), "10.0.0.1");
}

TEST(ClientAddress, AddressListsAreParsedAndChecked) {
  std::set<std::string> out;
  std::string error;
  EXPECT_TRUE(ParseAddressList("", &out, &error));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(ParseAddressList("10.0.0.1, ::1", &out, &error));
  EXPECT_EQ(out, (std::set<std::string>{"10.0.0.1", "::1"}));
  EXPECT_FALSE(ParseAddressList("10.0.0.1, proxy.example", &out, &error));
  EXPECT_NE(error.find("proxy.example"), std::string::npos);
}

}  // namespace
}  // namespace bevara::server
