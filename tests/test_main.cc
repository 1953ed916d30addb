#include <clocale>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  // As in the bevara binary: package names are UTF-8.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
