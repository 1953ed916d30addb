#include "ingest/formats/pronom_syntax.h"

#include <cctype>

#include "src/common/hex.h"

namespace bevara::ingest::formats {
namespace {

// A cursor over an expression; every Parse* leaves it after what it read.
class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  void SkipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ >= s_.size();
  }
  char Peek() { return AtEnd() ? '\0' : s_[i_]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }

  // Hex pairs or one quoted string: the bytes of one value.
  Result<std::string> ParseValue() {
    SkipSpace();
    std::string out;
    if (Eat('\'')) {
      size_t end = s_.find('\'', i_);
      if (end == std::string_view::npos) return Error("an unterminated string");
      out = std::string(s_.substr(i_, end - i_));
      i_ = end + 1;
      return out;
    }
    size_t end = i_;
    while (end < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[end]))) ++end;
    end -= (end - i_) % 2;  // whole bytes only; a lone digit is an error below
    if (end == i_ || !HexDecode(s_.substr(i_, end - i_), &out)) return Error("a byte value was expected");
    i_ = end;
    return out;
  }

  // "[...]": a range, a negation or a mask.
  Result<ByteTest> ParseBracket() {
    ByteTest t;
    bool negate = Eat('!');
    bool mask = Eat('&');
    auto a = ParseValue();
    if (!a.ok()) return a.status();
    t.a = std::move(*a);
    if (Eat(':') || Eat('-')) {
      auto b = ParseValue();
      if (!b.ok()) return b.status();
      if (mask) return Error("a mask with a range");
      if (b->size() != t.a.size()) return Error("a range whose ends differ in length");
      t.kind = negate ? ByteTest::Kind::kNotRange : ByteTest::Kind::kRange;
      t.b = std::move(*b);
    } else if (mask) {
      t.kind = negate ? ByteTest::Kind::kNotMask : ByteTest::Kind::kMask;
    } else {
      t.kind = negate ? ByteTest::Kind::kNotLiteral : ByteTest::Kind::kLiteral;
    }
    if (!Eat(']')) return Error("']' was expected");
    return t;
  }

  // One test: a value, "??" or a bracket. Sets *done at a stop character.
  Result<ByteTest> ParseTest() {
    if (Eat('[')) return ParseBracket();
    if (s_.compare(i_, 2, "??") == 0) {
      i_ += 2;
      return ByteTest{ByteTest::Kind::kMask, std::string(1, '\0'), {}};  // any byte
    }
    char c = Peek();
    if (c == '{' || c == '*') return Error("a gap inside a sequence");
    auto v = ParseValue();
    if (!v.ok()) return v.status();
    return ByteTest{ByteTest::Kind::kLiteral, std::move(*v), {}};
  }

  // Tests up to the end, '|' or ')'.
  Result<Run> ParseRun() {
    Run run;
    while (!AtEnd() && Peek() != '|' && Peek() != ')' && Peek() != '(') {
      auto t = ParseTest();
      if (!t.ok()) return t.status();
      run.push_back(std::move(*t));
    }
    return run;
  }

  Status Error(const std::string& what) const {
    return Status::InvalidArgument(what + " at character " + std::to_string(i_ + 1) + " of '" + std::string(s_) + "'");
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool IsLiteral(const Fragment& f) {
  if (f.alternatives.size() != 1) return false;
  for (const ByteTest& t : f.alternatives[0]) {
    if (t.kind != ByteTest::Kind::kLiteral) return false;
  }
  return !f.alternatives[0].empty();
}

// Splits a run into stretches that are all literal or all not.
void AddSplit(Run run, std::vector<Fragment>* items) {
  Run current;
  bool literal = false;
  for (ByteTest& t : run) {
    bool is_literal = t.kind == ByteTest::Kind::kLiteral;
    if (!current.empty() && is_literal != literal) {
      items->push_back(Fragment{{std::move(current)}, 0, 0});
      current.clear();
    }
    literal = is_literal;
    current.push_back(std::move(t));
  }
  if (!current.empty()) items->push_back(Fragment{{std::move(current)}, 0, 0});
}

}  // namespace

Result<Run> ParseRun(std::string_view text) {
  Parser p(text);
  auto run = p.ParseRun();
  if (!run.ok()) return run.status();
  if (!p.AtEnd()) return p.Error("an alternative outside a container expression");
  if (run->empty()) return Status::InvalidArgument("an empty byte sequence");
  return run;
}

Result<SubSequence> ParseExpression(std::string_view text) {
  Parser p(text);
  std::vector<Fragment> items;  // in file order, each at gap 0 from the last
  while (!p.AtEnd()) {
    if (p.Eat('(')) {
      Fragment alternatives;
      do {
        auto run = p.ParseRun();
        if (!run.ok()) return run.status();
        if (run->empty()) return p.Error("an empty alternative");
        alternatives.alternatives.push_back(std::move(*run));
      } while (p.Eat('|'));
      if (!p.Eat(')')) return p.Error("')' was expected");
      items.push_back(std::move(alternatives));
      continue;
    }
    auto run = p.ParseRun();
    if (!run.ok()) return run.status();
    if (run->empty()) return p.Error("a byte value was expected");
    AddSplit(std::move(*run), &items);
  }
  if (items.empty()) return Status::InvalidArgument("an empty byte sequence");
  if (items.size() > 64) return Status::NotSupported("more than 64 stretches in one sequence");
  // The longest literal stretch anchors the search.
  size_t best = items.size();
  size_t best_size = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    size_t n = RunSize(items[i].alternatives[0]);
    if (IsLiteral(items[i]) && n > best_size) best = i, best_size = n;
  }
  SubSequence sub;
  size_t first_right = 0;
  if (best < items.size()) {
    for (const ByteTest& t : items[best].alternatives[0]) sub.anchor += t.a;
    for (size_t i = best; i-- > 0;) sub.left.push_back(std::move(items[i]));
    first_right = best + 1;
  }
  for (size_t i = first_right; i < items.size(); ++i) sub.right.push_back(std::move(items[i]));
  return sub;
}

}  // namespace bevara::ingest::formats
